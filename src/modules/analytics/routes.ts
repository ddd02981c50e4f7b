import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { userOf } from '../../http/auth.js';
import { problemResponses } from '../../http/schemas.js';
import type { Platform } from '../../platform.js';
import { chartCsv } from './csv.js';
import {
  CHARTS,
  DashboardSchema,
  OverviewSchema,
  PeriodQuery,
  PromotionEffectSchema,
  WhatIfBodySchema,
  WhatIfResultSchema,
} from './schemas.js';

export function analyticsRoutes(platform: Platform): FastifyPluginAsyncTypebox {
  const { analytics, guards } = platform;
  const operator = guards.requireOperator('policy_admin', 'auditor');
  return async (app) => {
    app.get(
      '/v1/operator/analytics/overview',
      {
        preValidation: operator,
        schema: {
          tags: ['analytics'],
          summary: 'Headline figures of a past period: issuance, members, cashback, spending, old-town share',
          querystring: PeriodQuery,
          response: { 200: OverviewSchema, ...problemResponses(400, 401, 403) },
        },
      },
      async (request) => analytics.overview(userOf(request).tenantId, request.query),
    );

    app.get(
      '/v1/operator/analytics/dashboard',
      {
        preValidation: operator,
        schema: {
          tags: ['analytics'],
          summary: "Every dashboard chart's series over a past period",
          querystring: PeriodQuery,
          response: { 200: DashboardSchema, ...problemResponses(400, 401, 403) },
        },
      },
      async (request) => analytics.dashboard(userOf(request).tenantId, request.query),
    );

    app.get(
      '/v1/operator/analytics/dashboard/:chart.csv',
      {
        preValidation: operator,
        schema: {
          tags: ['analytics'],
          summary: "One chart's series as CSV",
          description:
            "Columns: the fields of one point of the chart in the order the dashboard's schema lists them; a header line even without points. Text that a spreadsheet would read as a formula (starting with =, +, -, @, tab or carriage return) is prefixed with '.",
          params: Type.Object({ chart: Type.Union(CHARTS.map((chart) => Type.Literal(chart))) }),
          querystring: PeriodQuery,
          response: {
            200: Type.String({ description: 'text/csv, one row per point' }),
            ...problemResponses(400, 401, 403),
          },
        },
      },
      async (request, reply) => {
        const dashboard = await analytics.dashboard(userOf(request).tenantId, request.query);
        const { chart } = request.params;
        return reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header(
            'content-disposition',
            `attachment; filename="${chart}-${dashboard.from}-${dashboard.to}.csv"`,
          )
          .send(chartCsv(chart, dashboard[chart]));
      },
    );

    app.get(
      '/v1/operator/analytics/promotion-effect',
      {
        preValidation: operator,
        schema: {
          tags: ['analytics'],
          summary:
            "A promotion's effect on participating merchants' sales: difference-in-differences with a 95% interval",
          querystring: Type.Intersect([
            PeriodQuery,
            Type.Object({
              code: Type.String({ minLength: 1, maxLength: 64, description: "the promotion's rule code" }),
            }),
          ]),
          response: { 200: PromotionEffectSchema, ...problemResponses(400, 401, 403) },
        },
      },
      async (request) =>
        analytics.promotionEffect(userOf(request).tenantId, request.query.code, {
          from: request.query.from,
          to: request.query.to,
        }),
    );

    app.post(
      '/v1/operator/policies/what-if',
      {
        preValidation: operator,
        schema: {
          tags: ['analytics', 'policy'],
          summary:
            "Replay a past period's payments through the real calculator and budget under a draft policy",
          body: WhatIfBodySchema,
          response: { 200: WhatIfResultSchema, ...problemResponses(400, 401, 403, 422) },
        },
      },
      async (request) =>
        analytics.whatIf(userOf(request).tenantId, {
          from: request.body.from,
          to: request.body.to,
          rules: request.body.rules,
          monthlyPotWon: request.body.monthlyPotWon ?? null,
          nationalShareBp: request.body.nationalShareBp ?? 0,
          annualBudgetWon: request.body.annualBudgetWon ?? null,
        }),
    );
  };
}
