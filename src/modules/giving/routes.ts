import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { fileResponse } from '../../documents/file-response.js';
import { userOf } from '../../http/auth.js';
import { tenantOf } from '../../http/request-context.js';
import { problemResponses } from '../../http/schemas.js';
import type { Platform } from '../../platform.js';
import { PinHeaders, paymentPinOf } from '../wallets/schemas.js';
import { neighbourhoodRoutes } from './neighbourhood-routes.js';
import { partnerRoutes } from './partner-routes.js';
import {
  CampaignProgressSchema,
  CharitySchema,
  CharityTotalsSchema,
  campaignJson,
  charityJson,
  charityTotalsJson,
  DonationOutcomeSchema,
  DonationRequestSchema,
  DonationSchema,
  donationJson,
  MonthlyGiftSchema,
  monthlyGiftJson,
  NewCampaignSchema,
  NewCharitySchema,
} from './schemas.js';

export function givingRoutes(platform: Platform): FastifyPluginAsyncTypebox {
  const { giving, guards, idempotency } = platform;
  const writer = guards.requireOperator('policy_admin');
  return async (app) => {
    await app.register(neighbourhoodRoutes(platform));
    await app.register(partnerRoutes(platform));
    app.get(
      '/v1/charities',
      {
        schema: {
          tags: ['giving'],
          summary: 'Charities (온정나눔 기부처) with public totals and campaign progress',
          response: { 200: Type.Object({ items: Type.Array(CharityTotalsSchema) }) },
        },
      },
      async (request) => {
        const tenantId = tenantOf(request, platform.config.defaultTenantId);
        return { items: (await giving.charitiesWithTotals(tenantId)).map(charityTotalsJson) };
      },
    );

    app.post(
      '/v1/operator/charities',
      {
        preValidation: writer,
        schema: {
          tags: ['giving', 'operator'],
          summary:
            'Register a charity; its donations are held in its own ledger account until paid to its bank',
          body: NewCharitySchema,
          response: { 201: CharitySchema, ...problemResponses(400, 401, 403, 409) },
        },
      },
      async (request, reply) => {
        const { tenantId, userId } = userOf(request);
        const charity = await giving.registerCharity(tenantId, userId, request.body);
        return reply.code(201).send(charityJson(charity));
      },
    );

    app.post(
      '/v1/operator/charities/:charityId/campaigns',
      {
        preValidation: writer,
        schema: {
          tags: ['giving', 'operator'],
          summary: 'Open a fundraising campaign (goal in won, period) for a charity',
          params: Type.Object({ charityId: Type.String({ maxLength: 64 }) }),
          body: NewCampaignSchema,
          response: {
            201: Type.Omit(CampaignProgressSchema, ['raisedWon', 'progressBp']),
            ...problemResponses(400, 401, 403, 404),
          },
        },
      },
      async (request, reply) => {
        const { tenantId, userId } = userOf(request);
        const { startsAt, endsAt, ...rest } = request.body;
        const campaign = await giving.addCampaign(tenantId, userId, request.params.charityId, {
          ...rest,
          startsAt: new Date(startsAt),
          endsAt: new Date(endsAt),
        });
        return reply.code(201).send(campaignJson(campaign));
      },
    );

    app.post(
      '/v1/me/donations',
      {
        preValidation: guards.requireUser,
        schema: {
          tags: ['giving'],
          summary: 'Donate once now, or monthly on a day (monthlyDay); a donation earns no cashback',
          description:
            'Without monthlyDay the donation moves now (201 with donation). With monthlyDay a monthly gift starts (201 with monthlyGift): the first donation is on the next occurrence of the day; a month whose donation fails is retried and reported, never charged twice. Idempotent by Idempotency-Key.',
          headers: PinHeaders,
          body: DonationRequestSchema,
          response: { 201: DonationOutcomeSchema, ...problemResponses(400, 401, 403, 404, 409, 422, 423) },
        },
      },
      async (request, reply) => {
        const { tenantId, userId } = userOf(request);
        await platform.paymentPins.verify(tenantId, userId, paymentPinOf(request.headers));
        return idempotency.run(request, reply, { tenantId, principalId: userId }, async (tx) => {
          const outcome = await giving.donate(tx, tenantId, userId, request.body);
          return {
            statusCode: 201,
            body: {
              donation: outcome.donation ? donationJson(outcome.donation) : null,
              monthlyGift: outcome.monthlyGift ? monthlyGiftJson(outcome.monthlyGift) : null,
            },
          };
        });
      },
    );

    app.get(
      '/v1/me/donations',
      {
        preValidation: guards.requireUser,
        schema: {
          tags: ['giving'],
          summary: 'Your donations (newest first, at most 200) and monthly gifts',
          response: {
            200: Type.Object({
              items: Type.Array(DonationSchema),
              monthlyGifts: Type.Array(MonthlyGiftSchema),
              totalWon: Type.Integer({ description: 'sum of the listed donations' }),
            }),
            ...problemResponses(401),
          },
        },
      },
      async (request) => {
        const { tenantId, userId } = userOf(request);
        const { donations, monthlyGifts } = await giving.memberGiving(tenantId, userId);
        return {
          items: donations.map(donationJson),
          monthlyGifts: monthlyGifts.map(monthlyGiftJson),
          totalWon: donations.reduce((sum, donation) => sum + donation.amountWon, 0),
        };
      },
    );

    app.get(
      '/v1/me/donation-records/:year.pdf',
      {
        preValidation: guards.requireUser,
        schema: {
          tags: ['giving'],
          summary: 'Your donations of a year as a PDF record (the tax receipt comes from 사회복지공동모금회)',
          params: Type.Object({ year: Type.String({ pattern: '^[0-9]{4}$' }) }),
          response: {
            200: fileResponse('application/pdf', 'the record'),
            ...problemResponses(400, 401),
          },
        },
      },
      async (request, reply) => {
        const { tenantId, userId } = userOf(request);
        const year = Number(request.params.year);
        return reply
          .type('application/pdf')
          .header('content-disposition', `attachment; filename="donations-${year}.pdf"`)
          .send(await giving.donationRecordPdf(tenantId, userId, year));
      },
    );

    app.post(
      '/v1/me/monthly-gifts/:monthlyGiftId/stop',
      {
        preValidation: guards.requireUser,
        schema: {
          tags: ['giving'],
          summary: 'Stop a monthly gift; months already given stay given',
          params: Type.Object({ monthlyGiftId: Type.String({ maxLength: 64 }) }),
          response: { 200: MonthlyGiftSchema, ...problemResponses(401, 404) },
        },
      },
      async (request) => {
        const { tenantId, userId } = userOf(request);
        return monthlyGiftJson(await giving.stopMonthlyGift(tenantId, userId, request.params.monthlyGiftId));
      },
    );
  };
}
