import { readFileSync } from 'node:fs';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import { analyticsRoutes } from '../modules/analytics/routes.js';
import { auditTrailRoutes } from '../modules/audit-trail/routes.js';
import { bankRoutes } from '../modules/bank/routes.js';
import { brandingRoutes } from '../modules/branding/routes.js';
import { budgetRoutes } from '../modules/budgets/routes.js';
import { commerceRoutes } from '../modules/commerce/routes.js';
import { fraudRoutes } from '../modules/fraud/routes.js';
import { givingRoutes } from '../modules/giving/routes.js';
import { ledgerRoutes } from '../modules/ledger/routes.js';
import { paymentPinRoutes } from '../modules/members/payment-pin-routes.js';
import { memberRoutes } from '../modules/members/routes.js';
import { merchantFundRoutes } from '../modules/merchant-funds/routes.js';
import { merchantLookupRoutes } from '../modules/merchants/lookup.js';
import { merchantRoutes } from '../modules/merchants/routes.js';
import { paymentRoutes } from '../modules/payments/routes.js';
import { platformAdminRoutes } from '../modules/platform-admin/routes.js';
import { policyRoutes } from '../modules/policy/routes.js';
import { programRoutes } from '../modules/programs/routes.js';
import { publicBookRoutes } from '../modules/public-books/routes.js';
import { referenceRoutes } from '../modules/reference/routes.js';
import { refundRoutes } from '../modules/refunds/routes.js';
import { settlementRoutes } from '../modules/settlement/routes.js';
import { systemRoutes } from '../modules/system/routes.js';
import { taxStatementRoutes } from '../modules/tax-statements/routes.js';
import { tenantDirectoryRoutes } from '../modules/tenant-directory/routes.js';
import { transferRoutes } from '../modules/transfers/routes.js';
import { walletRoutes } from '../modules/wallets/routes.js';
import type { Platform } from '../platform.js';
import { clientErrorHandler } from './client-error.js';
import { registerEmptyBody } from './empty-body.js';
import { registerInputGuard } from './input-guard.js';
import { REQUEST_ID_HEADER, registerObservability, requestIdOf } from './observability.js';
import { documentRouteContract, documentWholeContract } from './openapi-contract.js';
import { frameworkProblemOf, registerProblemHandlers, sendProblem } from './problem.js';
import { registerTenantCheck } from './request-context.js';
import { type ResponseCheckOptions, registerResponseCheck } from './response-check.js';
import { applySecurityHeaders, registerSecurity } from './security.js';
import { validatorCompiler } from './validation.js';
import { registerWebApp, WEB_DIST_DIR } from './web.js';

export const APP_VERSION: string = JSON.parse(
  readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
).version;

/**
 * The longest path parameter the router passes to a route: the longest any route documents (an
 * id of 128 characters, as idempotency keys and transaction ids); longer ones are answered 414.
 */
export const PATH_PARAM_LENGTH_MAX = 128;

export interface AppOptions {
  /** false for tests; otherwise a pino level. */
  logLevel: string | false;
  /** Tests check every response against its documented schema (src/http/response-check.ts). */
  responseCheck?: ResponseCheckOptions;
}

/** Builds the HTTP app without listening, so tests can `inject` requests. */
export async function buildApp(platform: Platform, options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logLevel === false ? false : { level: options.logLevel },
    bodyLimit: 1_048_576,
    requestIdHeader: false,
    genReqId: requestIdOf,
    routerOptions: { maxParamLength: PATH_PARAM_LENGTH_MAX },
    clientErrorHandler,
    // The router's own refusals (a bad percent-encoding, an over-long id) as every other error looks.
    frameworkErrors: (error, request, reply) => {
      reply.header(REQUEST_ID_HEADER, request.id);
      applySecurityHeaders(request, reply, () => sendProblem(request, reply, frameworkProblemOf(error)));
    },
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  registerProblemHandlers(app, PATH_PARAM_LENGTH_MAX);
  registerInputGuard(app);
  registerTenantCheck(app, platform.tenants);
  app.addHook('preValidation', platform.guards.identifyCaller);
  registerEmptyBody(app);
  if (options.responseCheck) registerResponseCheck(app, options.responseCheck);
  registerObservability(app, platform.metrics, platform.config.metricsToken, () =>
    platform.clusters?.members().map(({ name, platform: member }) => ({ name, metrics: member.metrics })),
  );
  await registerSecurity(app);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Hanbat API',
        version: APP_VERSION,
        description: 'Regional digital currency platform (지역화폐). Money is integer won.',
      },
    },
    transform: documentRouteContract,
    transformObject: documentWholeContract,
  });
  // The docs page sets its own CSP (swagger-ui's inline styles), minus the https upgrade loopback cannot serve.
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    staticCSP: true,
    transformStaticCSP: (header) => header.replace('upgrade-insecure-requests;', '').trim(),
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await app.register(systemRoutes(platform, APP_VERSION));
  await app.register(referenceRoutes(platform));
  await app.register(merchantRoutes(platform));
  await app.register(merchantLookupRoutes(platform));
  await app.register(policyRoutes(platform));
  await app.register(budgetRoutes(platform));
  await app.register(memberRoutes(platform));
  await app.register(paymentPinRoutes(platform));
  await app.register(walletRoutes(platform));
  await app.register(paymentRoutes(platform));
  await app.register(ledgerRoutes(platform));
  await app.register(auditTrailRoutes(platform));
  await app.register(transferRoutes(platform));
  await app.register(refundRoutes(platform));
  await app.register(programRoutes(platform));
  await app.register(settlementRoutes(platform));
  await app.register(bankRoutes(platform));
  await app.register(analyticsRoutes(platform));
  await app.register(givingRoutes(platform));
  await app.register(merchantFundRoutes(platform));
  await app.register(taxStatementRoutes(platform));
  await app.register(publicBookRoutes(platform));
  await app.register(platformAdminRoutes(platform));
  await app.register(brandingRoutes(platform));
  await app.register(fraudRoutes(platform));
  await app.register(commerceRoutes(platform));
  await app.register(tenantDirectoryRoutes(platform));
  // Last: the web app's SPA fallback must not shadow any API route.
  await registerWebApp(app, WEB_DIST_DIR);
  return app;
}
