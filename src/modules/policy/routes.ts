import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { userOf } from '../../http/auth.js';
import { tenantOf } from '../../http/request-context.js';
import { problemResponses } from '../../http/schemas.js';
import type { Platform } from '../../platform.js';
import {
  CashbackPolicySchema,
  CurrentPolicySchema,
  NewPolicySchema,
  NewRuleSchema,
  PolicyListSchema,
  PolicyRuleSchema,
  PreviewResultSchema,
  PreviewSchema,
  policyJson,
  ruleJson,
} from './schemas.js';

const optionalDate = (text: string | null | undefined): Date | null => (text ? new Date(text) : null);

export function policyRoutes(platform: Platform): FastifyPluginAsyncTypebox {
  const { policy, guards } = platform;
  return async (app) => {
    app.get(
      '/v1/policies/current',
      {
        schema: {
          tags: ['policy'],
          summary: 'The cashback policy and rule values in force now (public: citizens see the rules)',
          response: { 200: CurrentPolicySchema, ...problemResponses(400) },
        },
      },
      async (request) => {
        const tenantId = tenantOf(request, platform.config.defaultTenantId);
        const at = platform.clock.now();
        const current = await policy.cashbackPolicyAt(tenantId, at);
        // What the detectors look for would tell colluders how to stay under them.
        const rules = (await policy.rulesInForce(tenantId, at)).filter(
          (rule) => !rule.key.startsWith('fraud_'),
        );
        const set = new Set<string>(rules.map((rule) => rule.key));
        const commerce = await platform.commerce.orders.rulesAt(tenantId, at);
        return {
          at: at.toISOString(),
          policy: current && withoutAuthor(policyJson(current)),
          rules: rules.map((rule) => withoutAuthor(ruleJson(rule))),
          defaults: Object.entries(commerce)
            .filter(([key]) => !set.has(key))
            .map(([key, value]) => ({ key, value })),
        };
      },
    );

    app.get(
      '/v1/operator/policies',
      {
        preValidation: guards.requireOperator('policy_admin', 'auditor'),
        schema: {
          tags: ['policy'],
          summary: 'Every cashback policy version (newest first) and every rule value with its period',
          response: { 200: PolicyListSchema, ...problemResponses(401, 403) },
        },
      },
      async (request) => {
        const { tenantId } = userOf(request);
        const [items, rules] = [await policy.listPolicies(tenantId), await policy.listRules(tenantId)];
        return { items: items.map(policyJson), rules: rules.map(ruleJson) };
      },
    );

    app.post(
      '/v1/operator/policies',
      {
        preValidation: guards.requireOperator('policy_admin'),
        schema: {
          tags: ['policy'],
          summary: 'Schedule a cashback policy version (effective from now or later)',
          body: NewPolicySchema,
          response: { 201: CashbackPolicySchema, ...problemResponses(400, 401, 403, 409) },
        },
      },
      async (request, reply) => {
        const { tenantId, userId } = userOf(request);
        const created = await policy.createPolicy(tenantId, userId, {
          name: request.body.name,
          effectiveFrom: new Date(request.body.effectiveFrom),
          effectiveTo: optionalDate(request.body.effectiveTo),
          rules: request.body.rules,
        });
        return reply.code(201).send(policyJson(created));
      },
    );

    app.post(
      '/v1/operator/policies/rules',
      {
        preValidation: guards.requireOperator('policy_admin'),
        schema: {
          tags: ['policy'],
          summary: 'Schedule a rule value (charge cap, holding cap, …) from now or later',
          body: NewRuleSchema,
          response: { 201: PolicyRuleSchema, ...problemResponses(400, 401, 403, 409) },
        },
      },
      async (request, reply) => {
        const { tenantId, userId } = userOf(request);
        const created = await policy.createRule(tenantId, userId, {
          key: request.body.key,
          value: request.body.value,
          effectiveFrom: new Date(request.body.effectiveFrom),
          effectiveTo: optionalDate(request.body.effectiveTo),
        });
        return reply.code(201).send(ruleJson(created));
      },
    );

    app.post(
      '/v1/operator/policies/preview',
      {
        preValidation: guards.requireOperator('policy_admin', 'auditor'),
        schema: {
          tags: ['policy'],
          summary: 'What-if: a sample payment under the policy in force and under a draft',
          body: PreviewSchema,
          response: { 200: PreviewResultSchema, ...problemResponses(400, 401, 403) },
        },
      },
      async (request) => {
        const { tenantId } = userOf(request);
        const { sample } = request.body;
        const preview = await policy.preview(tenantId, request.body.rules, {
          ...sample,
          at: sample.at === undefined ? undefined : new Date(sample.at),
        });
        return { ...preview, at: preview.at.toISOString() };
      },
    );
  };
}

/** Citizens see the rules, not which operator entered them. */
function withoutAuthor<T extends { createdBy: string }>({
  createdBy: _operator,
  ...rest
}: T): Omit<T, 'createdBy'> {
  return rest;
}
