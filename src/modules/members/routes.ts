import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { DomainError } from '../../errors.js';
import { sessionTokenOf, userOf } from '../../http/auth.js';
import { tenantOf } from '../../http/request-context.js';
import { problemResponses } from '../../http/schemas.js';
import { CSRF_HEADER, clearSessionCookies, csrfTokenFor, setSessionCookies } from '../../http/security.js';
import type { Platform } from '../../platform.js';

const SignUpBody = Type.Object(
  {
    phone: Type.String({
      minLength: 10,
      maxLength: 20,
      examples: ['010-1234-5678'],
      description:
        'a Korean mobile number in any spelling sign-in accepts: 010-1234-5678, 01012345678, +82 10-1234-5678, full-width digits',
    }),
    password: Type.String({ minLength: 8, maxLength: 128 }),
    name: Type.String({ minLength: 1, maxLength: 50 }),
    birthDate: Type.String({ format: 'date', examples: ['1990-05-13'] }),
    district: Type.String({
      minLength: 1,
      maxLength: 40,
      description: 'district code from GET /v1/districts',
    }),
    dong: Type.String({ minLength: 1, maxLength: 40 }),
  },
  { additionalProperties: false },
);

const LoginBody = Type.Object(
  {
    phone: Type.String({ minLength: 1, maxLength: 20 }),
    password: Type.String({ minLength: 1, maxLength: 128 }),
  },
  { additionalProperties: false },
);

const MemberSchema = Type.Object({
  memberId: Type.String(),
  tenantId: Type.String({ description: "the member's city" }),
  phone: Type.String(),
  name: Type.String(),
  birthDate: Type.String(),
  district: Type.String(),
  dong: Type.String(),
  isWelfareRecipient: Type.Boolean(),
  operatorRoles: Type.Array(Type.String()),
  merchantIds: Type.Array(Type.String()),
});

export function memberRoutes(platform: Platform): FastifyPluginAsyncTypebox {
  const { members, merchants, guards } = platform;
  const defaultTenant = platform.config.defaultTenantId;
  return async (app) => {
    app.post(
      '/v1/members',
      {
        schema: {
          tags: ['members'],
          summary: 'Sign up (가입): age 14+, one wallet per member',
          body: SignUpBody,
          response: { 201: Type.Object({ memberId: Type.String() }), ...problemResponses(400, 409) },
        },
      },
      async (request, reply) => {
        const member = await members.signUp(tenantOf(request, defaultTenant), request.body);
        return reply.code(201).send({ memberId: member.id });
      },
    );

    app.post(
      '/v1/sessions',
      {
        schema: {
          tags: ['members'],
          summary: 'Log in with phone and password (members, merchant owners and operators alike)',
          description:
            'Answers the token for API clients (Authorization: Bearer) and sets it as an HttpOnly, SameSite=Strict ' +
            `cookie for the browser, which must then send ${CSRF_HEADER} (GET /v1/sessions/csrf-token) with every change. ` +
            'Wrong passwords lock the phone (however it is spelled) and the client address for a while, ' +
            'doubling with each further failure (429 SIGN_IN_LOCKED with Retry-After); the thresholds are the ' +
            "tenant's sign_in_* rule values.",
          body: LoginBody,
          response: {
            201: Type.Object({
              token: Type.String(),
              role: Type.Union([Type.Literal('member'), Type.Literal('merchant'), Type.Literal('operator')]),
              roles: Type.Array(Type.String()),
              memberId: Type.String(),
              expiresAt: Type.String({ format: 'date-time' }),
            }),
            ...problemResponses(400, 401, 429),
          },
        },
      },
      async (request, reply) => {
        const tenantId = tenantOf(request, defaultTenant);
        const grant = await members
          .logIn(tenantId, request.body.phone, request.body.password, request.ip)
          .catch((error: unknown) => {
            const retryAfterSeconds = error instanceof DomainError && error.details?.retryAfterSeconds;
            if (retryAfterSeconds) reply.header('retry-after', String(retryAfterSeconds));
            throw error;
          });
        const merchantIds = await merchants.ownedMerchantIds(tenantId, grant.userId);
        const roles = ['member', ...(merchantIds.length > 0 ? ['merchant'] : []), ...grant.operatorRoles];
        const role =
          grant.operatorRoles.length > 0 ? 'operator' : merchantIds.length > 0 ? 'merchant' : 'member';
        setSessionCookies(request, reply, grant.token, grant.expiresAt);
        return reply.code(201).send({
          token: grant.token,
          role,
          roles,
          memberId: grant.userId,
          expiresAt: grant.expiresAt.toISOString(),
        });
      },
    );

    app.delete(
      '/v1/sessions/current',
      {
        preValidation: guards.requireUser,
        schema: {
          tags: ['members'],
          summary: 'Log out (revokes the token and clears the session cookie)',
          response: { 204: Type.Null(), ...problemResponses(401, 403) },
        },
      },
      async (request, reply) => {
        await members.logOut(sessionTokenOf(request) ?? '');
        clearSessionCookies(request, reply);
        return reply.code(204).send(null);
      },
    );

    app.get(
      '/v1/sessions/csrf-token',
      {
        schema: {
          tags: ['members'],
          summary: `A token for the ${CSRF_HEADER} header, which the browser's cookie session needs on every change`,
          response: { 200: Type.Object({ csrfToken: Type.String() }) },
        },
      },
      async (request, reply) => {
        reply.header('cache-control', 'no-store');
        return { csrfToken: csrfTokenFor(request, reply) };
      },
    );

    app.get(
      '/v1/me',
      {
        preValidation: guards.requireUser,
        schema: {
          tags: ['members'],
          summary: 'The signed-in member',
          response: { 200: MemberSchema, ...problemResponses(401) },
        },
      },
      async (request) => {
        const principal = userOf(request);
        const member = await members.getMember(principal.tenantId, principal.userId);
        if (!member) throw new Error(`session of a missing member ${principal.userId}`);
        const merchantIds = await merchants.ownedMerchantIds(principal.tenantId, principal.userId);
        const { id, createdAt: _joined, ...profile } = member;
        return { ...profile, memberId: id, merchantIds };
      },
    );

    app.post(
      '/v1/operator/members/:memberId/welfare',
      {
        preValidation: guards.requireOperator('policy_admin'),
        schema: {
          tags: ['operator'],
          summary: 'Mark or unmark a member as a welfare recipient (extra cashback)',
          params: Type.Object({ memberId: Type.String({ maxLength: 64 }) }),
          body: Type.Object({ isWelfareRecipient: Type.Boolean() }, { additionalProperties: false }),
          response: {
            200: Type.Object({ memberId: Type.String(), isWelfareRecipient: Type.Boolean() }),
            ...problemResponses(400, 401, 403, 404),
          },
        },
      },
      async (request) => {
        const principal = userOf(request);
        const member = await members.setWelfareRecipient(
          principal.tenantId,
          principal.userId,
          request.params.memberId,
          request.body.isWelfareRecipient,
        );
        return { memberId: member.id, isWelfareRecipient: member.isWelfareRecipient };
      },
    );
  };
}
