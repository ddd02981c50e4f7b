import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { fileResponse } from '../../documents/file-response.js';
import { userOf } from '../../http/auth.js';
import { problemResponses } from '../../http/schemas.js';
import type { Platform } from '../../platform.js';
import { taxStatementPdf } from './statement-pdf.js';
import type { TaxStatement } from './tax-statement-service.js';

const YearParams = Type.Object({
  year: Type.String({ pattern: '^[0-9]{4}$', description: 'calendar year' }),
});

const TaxStatementSchema = Type.Object({
  memberId: Type.String(),
  memberName: Type.String(),
  year: Type.Integer(),
  months: Type.Array(
    Type.Object({
      month: Type.String({ description: 'YYYY-MM in the tenant time zone' }),
      traditionalMarketWon: Type.Integer({ description: '전통시장: cash spending less cancellations' }),
      generalWon: Type.Integer(),
      traditionalMarketRateBp: Type.Integer({ description: 'deduction rate in force at the month start' }),
      generalRateBp: Type.Integer(),
    }),
  ),
  totals: Type.Object({
    traditionalMarketWon: Type.Integer(),
    generalWon: Type.Integer(),
    totalWon: Type.Integer(),
    deductionBaseWon: Type.Integer({
      description: 'Σ spending × rate (floored per month and category), before the 25%-of-pay threshold',
    }),
  }),
  issuedAt: Type.String({ format: 'date-time' }),
});

function statementJson(statement: TaxStatement) {
  return { ...statement, issuedAt: statement.issuedAt.toISOString() };
}

export function taxStatementRoutes(platform: Platform): FastifyPluginAsyncTypebox {
  const { taxStatements, guards } = platform;
  return async (app) => {
    app.get(
      '/v1/me/tax-statements/:year.pdf',
      {
        preValidation: guards.requireUser,
        schema: {
          tags: ['tax'],
          summary: 'Your yearly income-tax statement (소득공제) as a PDF',
          params: YearParams,
          response: { 200: fileResponse('application/pdf', 'the statement'), ...problemResponses(400, 401) },
        },
      },
      async (request, reply) => {
        const { tenantId, userId } = userOf(request);
        const statement = await taxStatements.statement(tenantId, userId, Number(request.params.year));
        return reply
          .type('application/pdf')
          .header('content-disposition', `attachment; filename="tax-statement-${statement.year}.pdf"`)
          .send(await taxStatementPdf(statement, await platform.tenants.timeZoneOf(tenantId)));
      },
    );

    app.get(
      '/v1/me/tax-statements/:year',
      {
        preValidation: guards.requireUser,
        schema: {
          tags: ['tax'],
          summary:
            'Your yearly income-tax statement (소득공제): own charged money spent, by month, 전통시장 and general',
          description:
            'Cashback and grant spending are excluded; cancellations are netted in the month of the payment. Rates come from the rules tax_deduction_market_rate_bp and tax_deduction_general_rate_bp.',
          params: YearParams,
          response: { 200: TaxStatementSchema, ...problemResponses(400, 401) },
        },
      },
      async (request) => {
        const { tenantId, userId } = userOf(request);
        return statementJson(await taxStatements.statement(tenantId, userId, Number(request.params.year)));
      },
    );

    app.get(
      '/v1/operator/tax-statements/:year.csv',
      {
        preValidation: guards.requireOperator('policy_admin', 'auditor'),
        schema: {
          tags: ['tax', 'operator'],
          summary: "Every member's yearly totals as CSV, for the tax office's year-end service",
          description:
            'Format: docs/tax-statement-export.md (UTF-8, header line, one row per member with cash spending in the year). The official submission format is to be confirmed with the issuer and the tax office.',
          params: YearParams,
          response: {
            200: fileResponse('text/csv', 'one row per member'),
            ...problemResponses(400, 401, 403),
          },
        },
      },
      async (request, reply) => {
        const { tenantId } = userOf(request);
        const year = Number(request.params.year);
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="tax-statements-${year}.csv"`)
          .send(await taxStatements.exportCsv(tenantId, year));
      },
    );
  };
}
