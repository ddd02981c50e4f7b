import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { FastifySSEPlugin } from 'fastify-sse-v2';
import { Type } from 'typebox';
import { userOf } from '../../http/auth.js';
import { tenantOf } from '../../http/request-context.js';
import { problemResponses } from '../../http/schemas.js';
import type { Platform } from '../../platform.js';
import type { MerchantService } from '../merchants/merchant-service.js';
import { IdempotencyHeaders, PinHeaders, paymentPinOf } from '../wallets/schemas.js';
import { CommerceErrors } from './errors.js';
import { IMAGE_BYTES_MAX, IMAGE_URL_PREFIX, IMAGES_PER_PRODUCT_MAX, ProductImageStore } from './images.js';
import { memberView, type Order, shopView } from './order-types.js';
import { STREAM_MERCHANTS_MAX } from './order-updates.js';
import { COMMERCE_RULE_KEYS } from './rules.js';
import {
  CategorySchema,
  ChannelSchema,
  CheckoutSchema,
  DeliveryTermsSchema,
  NewProductSchema,
  OrderPageSchema,
  OrderSchema,
  OrderStatusSchema,
  ProductPageSchema,
  ProductPatchSchema,
  ProductSchema,
  pageCursor,
  ReasonSchema,
  ShopQuerySchema,
} from './schemas.js';

const ProductIdParams = Type.Object({ productId: Type.String({ maxLength: 64 }) });
const OrderIdParams = Type.Object({ orderId: Type.String({ maxLength: 64 }) });
const PageQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  cursor: Type.Optional(Type.String({ maxLength: 1024 })),
});

function actingMerchant(request: FastifyRequest): { tenantId: string; merchantId: string; actorId: string } {
  const merchantId = request.actingMerchantId;
  const principal = request.principal;
  if (!merchantId || !principal) throw new Error('requireMerchant must run before a merchant route');
  const actorId = principal.kind === 'user' ? principal.userId : principal.keyId;
  return { tenantId: principal.tenantId, merchantId, actorId };
}

/**
 * The shops a merchant stream follows: a POS key's own; an owner's every approved shop (bounded),
 * or the one they name. A shop they do not own answers as a missing order queue.
 */
async function streamedShops(
  merchants: Pick<MerchantService, 'ownedMerchantIds'>,
  request: FastifyRequest,
  actingMerchantId: string,
  wanted: string | undefined,
): Promise<string[]> {
  const principal = request.principal;
  if (principal?.kind !== 'user') {
    if (wanted !== undefined && wanted !== actingMerchantId) throw CommerceErrors.shopNotFound();
    return [actingMerchantId];
  }
  const owned = await merchants.ownedMerchantIds(principal.tenantId, principal.userId);
  if (wanted === undefined) return owned.slice(0, STREAM_MERCHANTS_MAX);
  if (!owned.includes(wanted)) throw CommerceErrors.shopNotFound();
  return [wanted];
}

/** A page of rows and the cursor of the next one (null when this page is the last). */
function page<Row extends { createdAt: string }>(rows: Row[], limit: number, idOf: (row: Row) => string) {
  const last = rows.length === limit ? rows.at(-1) : undefined;
  return { items: rows, nextCursor: last ? pageCursor.encode({ at: last.createdAt, id: idOf(last) }) : null };
}

export function commerceRoutes(platform: Platform): FastifyPluginAsyncTypebox {
  const { guards, idempotency } = platform;
  const { catalogue, orders } = platform.commerce;
  const images = ProductImageStore.under(platform.config.dataDir);
  return async (app) => {
    await app.register(FastifySSEPlugin, { retryDelay: 3_000 });

    const live = (audience: 'member' | 'merchant', summary: string) => ({
      preValidation: audience === 'member' ? guards.requireUser : guards.requireMerchant,
      schema: {
        tags: ['commerce'],
        summary,
        description:
          'text/event-stream: `ready` once, then `order` (or `order.new_delivery` for the merchant: sound the alert) with the order as JSON data after every change',
        response: { ...problemResponses(401, 403, 503) },
      },
    });

    app.get(
      '/v1/me/orders/events',
      live('member', "Live changes of the member's orders (server-sent events)"),
      async (request, reply) => {
        const { tenantId, userId } = userOf(request);
        const closed = new AbortController();
        request.raw.once('close', () => closed.abort());
        reply.sse(
          orders.updates.stream(
            tenantId,
            'member',
            [userId],
            closed.signal,
            guards.stillAuthenticated(request),
          ),
        );
      },
    );

    app.get<{ Querystring: { merchantId?: string } }>(
      '/v1/merchant/orders/events',
      {
        preValidation: guards.requireMerchant,
        schema: {
          ...live('merchant', '').schema,
          summary:
            "Live changes of the order queues of every shop the owner has (a POS key: its own shop's), or of the one merchantId names",
          querystring: Type.Object({
            merchantId: Type.Optional(
              Type.String({ maxLength: 64, description: "one of the owner's shops; absent: all of them" }),
            ),
          }),
          response: { ...problemResponses(401, 403, 404, 503) },
        },
      },
      async (request, reply) => {
        const { tenantId, merchantId } = actingMerchant(request);
        const followed = await streamedShops(
          platform.merchants,
          request,
          merchantId,
          request.query.merchantId,
        );
        const closed = new AbortController();
        request.raw.once('close', () => closed.abort());
        reply.sse(
          orders.updates.stream(
            tenantId,
            'merchant',
            followed,
            closed.signal,
            guards.stillAuthenticated(request),
          ),
        );
      },
    );

    app.post(
      '/v1/merchant/products',
      {
        preValidation: guards.requireMerchant,
        schema: {
          tags: ['commerce'],
          summary: 'List a mall product (with stock) or a delivery menu item (with availability)',
          body: NewProductSchema,
          response: { 201: ProductSchema, ...problemResponses(400, 401, 403, 422) },
        },
      },
      async (request, reply) => {
        const { tenantId, merchantId } = actingMerchant(request);
        return reply.code(201).send(await catalogue.createProduct(tenantId, merchantId, request.body));
      },
    );

    app.get(
      '/v1/merchant/products',
      {
        preValidation: guards.requireMerchant,
        schema: {
          tags: ['commerce'],
          summary: "The merchant's own listings, hidden ones included, newest first",
          querystring: PageQuery,
          response: { 200: ProductPageSchema, ...problemResponses(400, 401, 403) },
        },
      },
      async (request) => {
        const { tenantId, merchantId } = actingMerchant(request);
        const limit = request.query.limit ?? 20;
        const rows = await catalogue.listForMerchant(
          tenantId,
          merchantId,
          limit,
          pageCursor.decode(request.query.cursor),
        );
        return page(rows, limit, (row) => row.productId);
      },
    );

    app.patch(
      '/v1/merchant/products/:productId',
      {
        preValidation: guards.requireMerchant,
        schema: {
          tags: ['commerce'],
          summary: 'Change a listing: name, description, price, options, stock, availability, category',
          params: ProductIdParams,
          body: ProductPatchSchema,
          response: { 200: ProductSchema, ...problemResponses(400, 401, 403, 404, 422) },
        },
      },
      async (request) => {
        const { tenantId, merchantId } = actingMerchant(request);
        return catalogue.updateProduct(tenantId, merchantId, request.params.productId, request.body);
      },
    );

    await app.register(imageUploadRoute(platform, images));

    app.get(
      '/v1/shop/images/:fileName',
      {
        schema: {
          tags: ['commerce'],
          summary: 'A listing photo or thumbnail by its content hash; immutable, cached for a year',
          description:
            'Answers image/webp with Cache-Control immutable and the hash as ETag (If-None-Match answers 304). Public: listing photos are shown to anyone browsing.',
          params: Type.Object({ fileName: Type.String({ maxLength: 80 }) }),
          response: {
            200: Type.Unsafe<Buffer>({ type: 'string', format: 'binary', description: 'image/webp' }),
            304: Type.Unsafe<Buffer>({ description: 'not modified: the cached copy is this photo' }),
            ...problemResponses(404),
          },
        },
      },
      async (request, reply) => {
        const stored = await images.read(request.params.fileName);
        if (!stored) throw CommerceErrors.imageNotFound();
        const etag = `"${stored.hash}"`;
        reply.header('cache-control', 'public, max-age=31536000, immutable').header('etag', etag);
        if (request.headers['if-none-match'] === etag) return reply.code(304).send(Buffer.alloc(0));
        return reply.type('image/webp').send(stored.bytes);
      },
    );

    app.get(
      '/v1/merchant/delivery-terms',
      {
        preValidation: guards.requireMerchant,
        schema: {
          tags: ['commerce'],
          summary:
            "The restaurant's delivery areas (동), minimum order, fee and opening hours; 422 DELIVERY_NOT_OFFERED while it has set none",
          response: { 200: DeliveryTermsSchema, ...problemResponses(401, 403, 404, 422) },
        },
      },
      async (request) => {
        const { tenantId, merchantId } = actingMerchant(request);
        const terms = await catalogue.deliveryTerms(tenantId, merchantId);
        if (!terms) throw CommerceErrors.noDeliveryTerms(merchantId);
        return terms;
      },
    );

    app.put(
      '/v1/merchant/delivery-terms',
      {
        preValidation: guards.requireMerchant,
        schema: {
          tags: ['commerce'],
          summary: 'Set delivery areas (동), minimum order, delivery fee and opening hours (local time)',
          body: DeliveryTermsSchema,
          response: { 200: DeliveryTermsSchema, ...problemResponses(400, 401, 403) },
        },
      },
      async (request) => {
        const { tenantId, merchantId } = actingMerchant(request);
        return catalogue.setDeliveryTerms(tenantId, merchantId, request.body);
      },
    );

    app.get(
      '/v1/shop/products',
      {
        schema: {
          tags: ['commerce'],
          summary:
            'Search listings: Korean partial match on name, description and shop; category, 구, channel, price',
          querystring: ShopQuerySchema,
          response: { 200: ProductPageSchema, ...problemResponses(400) },
        },
      },
      async (request) => {
        const tenantId = tenantOf(request, platform.config.defaultTenantId);
        const limit = request.query.limit ?? 20;
        const rows = await catalogue.search(tenantId, {
          ...request.query,
          limit,
          after: pageCursor.decode(request.query.cursor),
        });
        return page(rows, limit, (row) => row.productId);
      },
    );

    app.get(
      '/v1/shop/products/:productId',
      {
        schema: {
          tags: ['commerce'],
          summary: 'One listing (a hidden listing is not found)',
          params: ProductIdParams,
          response: { 200: ProductSchema, ...problemResponses(404) },
        },
      },
      async (request) => {
        const tenantId = tenantOf(request, platform.config.defaultTenantId);
        const product = await catalogue.getProduct(tenantId, request.params.productId);
        if (!product || product.hidden) throw CommerceErrors.productNotFound();
        return product;
      },
    );

    app.get(
      '/v1/shop/merchants/:merchantId/delivery-terms',
      {
        schema: {
          tags: ['commerce'],
          summary:
            "A restaurant's delivery areas (동), minimum order, fee and opening hours, so the cart can show the total a checkout will hold before it is made; 422 DELIVERY_NOT_OFFERED when it delivers nowhere",
          params: Type.Object({ merchantId: Type.String({ minLength: 1, maxLength: 64 }) }),
          response: { 200: DeliveryTermsSchema, ...problemResponses(422) },
        },
      },
      async (request) => {
        const tenantId = tenantOf(request, platform.config.defaultTenantId);
        const terms = await catalogue.deliveryTerms(tenantId, request.params.merchantId);
        if (!terms) throw CommerceErrors.noDeliveryTerms(request.params.merchantId);
        return terms;
      },
    );

    app.get(
      '/v1/shop/categories',
      {
        schema: {
          tags: ['commerce'],
          summary: 'The categories operators manage',
          response: { 200: Type.Object({ items: Type.Array(CategorySchema) }) },
        },
      },
      async (request) => ({
        items: await catalogue.listCategories(tenantOf(request, platform.config.defaultTenantId)),
      }),
    );

    app.post(
      '/v1/operator/commerce/categories',
      {
        preValidation: guards.requireOperator('policy_admin', 'merchant_reviewer'),
        schema: {
          tags: ['commerce'],
          summary: 'Add a category',
          body: CategorySchema,
          response: { 201: CategorySchema, ...problemResponses(400, 401, 403, 409) },
        },
      },
      async (request, reply) => {
        const { tenantId, userId } = userOf(request);
        return reply.code(201).send(await catalogue.createCategory(tenantId, userId, request.body));
      },
    );

    app.post(
      '/v1/operator/commerce/products/:productId/hide',
      {
        preValidation: guards.requireOperator('policy_admin', 'merchant_reviewer'),
        schema: {
          tags: ['commerce'],
          summary: 'Hide a listing from citizens, with the reason the merchant sees',
          params: ProductIdParams,
          body: ReasonSchema,
          response: { 200: ProductSchema, ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request) => {
        const { tenantId, userId } = userOf(request);
        return catalogue.setHidden(tenantId, userId, request.params.productId, request.body.reason.trim());
      },
    );

    app.delete(
      '/v1/operator/commerce/products/:productId/hide',
      {
        preValidation: guards.requireOperator('policy_admin', 'merchant_reviewer'),
        schema: {
          tags: ['commerce'],
          summary: 'Show a hidden listing again',
          params: ProductIdParams,
          response: { 200: ProductSchema, ...problemResponses(401, 403, 404) },
        },
      },
      async (request) => {
        const { tenantId, userId } = userOf(request);
        return catalogue.setHidden(tenantId, userId, request.params.productId, null);
      },
    );

    const RuleSchema = Type.Object({
      ruleId: Type.String(),
      key: Type.Enum(COMMERCE_RULE_KEYS),
      value: Type.Integer(),
      effectiveFrom: Type.String({ format: 'date-time' }),
      effectiveTo: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    });

    app.get(
      '/v1/operator/commerce/commission-rules',
      {
        preValidation: guards.requireOperator('policy_admin', 'auditor'),
        schema: {
          tags: ['commerce'],
          summary:
            'Commission, commission-free allowance, comparison rate, hold timeouts and cashback: values in force and every scheduled value',
          response: {
            200: Type.Object({
              inForce: Type.Record(Type.String(), Type.Integer()),
              rules: Type.Array(RuleSchema),
            }),
            ...problemResponses(401, 403),
          },
        },
      },
      async (request) => {
        const { tenantId } = userOf(request);
        const all = await platform.policy.listRules(tenantId);
        return {
          inForce: await orders.rulesAt(tenantId, platform.clock.now()),
          rules: all
            .filter((rule) => (COMMERCE_RULE_KEYS as readonly string[]).includes(rule.key))
            .map((rule) => ({
              ruleId: rule.id,
              key: rule.key as (typeof COMMERCE_RULE_KEYS)[number],
              value: rule.value,
              effectiveFrom: rule.effectiveFrom.toISOString(),
              effectiveTo: rule.effectiveTo?.toISOString() ?? null,
            })),
        };
      },
    );

    app.get(
      '/v1/operator/commerce/figures',
      {
        preValidation: guards.requireOperator('policy_admin', 'auditor'),
        schema: {
          tags: ['commerce'],
          summary:
            "Channel figures of a local month: orders, GMV, commission and the merchants' saving against a private app",
          querystring: Type.Object({
            month: Type.Optional(
              Type.String({
                pattern: '^20[0-9]{2}-(0[1-9]|1[0-2])$',
                description: 'YYYY-MM; default this month',
              }),
            ),
          }),
          response: {
            200: Type.Object({
              month: Type.String(),
              channels: Type.Array(
                Type.Object({
                  channel: ChannelSchema,
                  ordersCount: Type.Integer(),
                  gmvWon: Type.Integer({ description: 'captured sales net of returns' }),
                  commissionWon: Type.Integer(),
                  privateAppCostWon: Type.Integer(),
                  savingWon: Type.Integer(),
                }),
              ),
            }),
            ...problemResponses(400, 401, 403),
          },
        },
      },
      async (request) => {
        const { tenantId } = userOf(request);
        const month = request.query.month;
        // The 15th at noon UTC is inside that local month in every time zone.
        const at = month ? new Date(`${month}-15T12:00:00Z`) : platform.clock.now();
        return platform.commerce.commission.cityMonth(platform.db, tenantId, at);
      },
    );

    app.post(
      '/v1/operator/commerce/commission-rules',
      {
        preValidation: guards.requireOperator('policy_admin'),
        schema: {
          tags: ['commerce'],
          summary: 'Schedule a commerce rule value (e.g. the mall commission in basis points) from a date',
          body: Type.Object(
            {
              key: Type.Enum(COMMERCE_RULE_KEYS),
              value: Type.Integer({ minimum: 0, maximum: 1_000_000_000 }),
              effectiveFrom: Type.String({ format: 'date-time' }),
              effectiveTo: Type.Optional(Type.Union([Type.String({ format: 'date-time' }), Type.Null()])),
            },
            { additionalProperties: false },
          ),
          response: { 201: RuleSchema, ...problemResponses(400, 401, 403, 409) },
        },
      },
      async (request, reply) => {
        const { tenantId, userId } = userOf(request);
        const { key, value, effectiveFrom, effectiveTo } = request.body;
        const rule = await platform.policy.createRule(tenantId, userId, {
          key,
          value,
          effectiveFrom: new Date(effectiveFrom),
          effectiveTo: effectiveTo ? new Date(effectiveTo) : null,
        });
        return reply.code(201).send({
          ruleId: rule.id,
          key,
          value: rule.value,
          effectiveFrom: rule.effectiveFrom.toISOString(),
          effectiveTo: rule.effectiveTo?.toISOString() ?? null,
        });
      },
    );

    app.post(
      '/v1/me/orders',
      {
        preValidation: guards.requireUser,
        schema: {
          tags: ['commerce'],
          summary:
            'Check out a cart: one order per merchant, the money held until the merchant accepts or ships',
          headers: PinHeaders,
          body: CheckoutSchema,
          response: {
            201: Type.Object({ orders: Type.Array(OrderSchema) }),
            ...problemResponses(400, 401, 403, 404, 409, 422, 423),
          },
        },
      },
      async (request, reply) => {
        const { tenantId, userId } = userOf(request);
        await platform.paymentPins.verify(tenantId, userId, paymentPinOf(request.headers));
        let placed: Order[] = [];
        const sent = await idempotency.run(request, reply, { tenantId, principalId: userId }, async (tx) => {
          placed = await orders.checkout(tx, tenantId, userId, request.body);
          return { statusCode: 201, body: { orders: placed.map(memberView) } };
        });
        orders.updates.publish(tenantId, placed);
        return sent;
      },
    );

    app.get(
      '/v1/me/orders',
      {
        preValidation: guards.requireUser,
        schema: {
          tags: ['commerce'],
          summary: "The member's orders, newest first",
          querystring: PageQuery,
          response: { 200: OrderPageSchema, ...problemResponses(400, 401) },
        },
      },
      async (request) => {
        const { tenantId, userId } = userOf(request);
        const limit = request.query.limit ?? 20;
        const rows = await orders.listForMember(
          tenantId,
          userId,
          limit,
          pageCursor.decode(request.query.cursor),
        );
        return page(rows.map(memberView), limit, (row) => row.orderId);
      },
    );

    app.get(
      '/v1/me/orders/:orderId',
      {
        preValidation: guards.requireUser,
        schema: {
          tags: ['commerce'],
          summary: 'One of the member’s orders',
          params: OrderIdParams,
          response: { 200: OrderSchema, ...problemResponses(401, 404) },
        },
      },
      async (request) => {
        const { tenantId, userId } = userOf(request);
        const order = await orders.get(tenantId, request.params.orderId);
        if (!order || order.memberId !== userId) throw CommerceErrors.orderNotFound();
        return memberView(order);
      },
    );

    app.post(
      '/v1/me/orders/:orderId/cancellation',
      {
        preValidation: guards.requireUser,
        schema: {
          tags: ['commerce'],
          summary:
            'Cancel before the merchant accepts or ships (the hold is voided); a shipped mall order asks for a return',
          headers: IdempotencyHeaders,
          params: OrderIdParams,
          body: Type.Optional(
            Type.Object(
              { reason: Type.Optional(Type.String({ maxLength: 200 })) },
              { additionalProperties: false },
            ),
          ),
          response: { 200: OrderSchema, ...problemResponses(400, 401, 404, 409) },
        },
      },
      async (request, reply) => {
        const { tenantId, userId } = userOf(request);
        return idempotency.run(request, reply, { tenantId, principalId: userId }, async (tx) => ({
          statusCode: 200,
          body: memberView(
            await orders.cancel(
              tx,
              tenantId,
              userId,
              request.params.orderId,
              request.body?.reason?.trim() || null,
            ),
          ),
        }));
      },
    );

    app.get(
      '/v1/merchant/orders',
      {
        preValidation: guards.requireMerchant,
        schema: {
          tags: ['commerce'],
          summary: "The merchant's order queue, newest first, optionally of one status",
          querystring: Type.Intersect([PageQuery, Type.Object({ status: Type.Optional(OrderStatusSchema) })]),
          response: { 200: OrderPageSchema, ...problemResponses(400, 401, 403) },
        },
      },
      async (request) => {
        const { tenantId, merchantId } = actingMerchant(request);
        const limit = request.query.limit ?? 20;
        const rows = await orders.listForMerchant(
          tenantId,
          merchantId,
          request.query.status ?? null,
          limit,
          pageCursor.decode(request.query.cursor),
        );
        return page(rows.map(shopView), limit, (row) => row.orderId);
      },
    );

    const merchantStep = (
      path: string,
      summary: string,
      body: typeof ReasonSchema | typeof StatusBodySchema | undefined,
      act: (
        tenantId: string,
        merchantId: string,
        orderId: string,
        body: unknown,
      ) => (tx: never) => Promise<Order>,
    ) =>
      app.post(
        path,
        {
          preValidation: guards.requireMerchant,
          schema: {
            tags: ['commerce'],
            summary,
            headers: IdempotencyHeaders,
            params: OrderIdParams,
            ...(body ? { body } : {}),
            response: { 200: OrderSchema, ...problemResponses(400, 401, 403, 404, 409) },
          },
        },
        async (request, reply) => {
          const { tenantId, merchantId, actorId } = actingMerchant(request);
          const { orderId } = request.params as { orderId: string };
          const work = act(tenantId, merchantId, orderId, request.body);
          let changed: Order[] = [];
          const sent = await idempotency.run(
            request,
            reply,
            { tenantId, principalId: actorId },
            async (tx) => {
              changed = [await work(tx as never)];
              return { statusCode: 200, body: shopView(changed[0] as Order) };
            },
          );
          orders.updates.publish(tenantId, changed);
          return sent;
        },
      );

    merchantStep(
      '/v1/merchant/orders/:orderId/accept',
      'Accept a delivery order: the held money is captured and the cashback paid',
      undefined,
      (tenantId, merchantId, orderId) => (tx) => orders.accept(tx, tenantId, merchantId, orderId),
    );
    merchantStep(
      '/v1/merchant/orders/:orderId/reject',
      'Reject a placed order with a reason: the hold is voided, the money is back at once',
      ReasonSchema,
      (tenantId, merchantId, orderId, body) => (tx) =>
        orders.reject(tx, tenantId, merchantId, orderId, (body as { reason: string }).reason.trim()),
    );
    merchantStep(
      '/v1/merchant/orders/:orderId/status',
      'The next step: cooking → out_for_delivery → delivered; mall: shipped (trackingNumber, captures) → delivered, returned (refund with clawback)',
      StatusBodySchema,
      (tenantId, merchantId, orderId, body) => (tx) =>
        orders.advance(
          tx,
          tenantId,
          merchantId,
          orderId,
          body as { status: Order['status']; trackingNumber?: string },
        ),
    );
  };
}

const StatusBodySchema = Type.Object(
  { status: OrderStatusSchema, trackingNumber: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })) },
  { additionalProperties: false },
);

/** Its own scope: the image body parser and the 413 wording apply to this route only. */
function imageUploadRoute(platform: Platform, images: ProductImageStore): FastifyPluginAsyncTypebox {
  const { guards } = platform;
  const { catalogue } = platform.commerce;
  return async (app) => {
    app.addContentTypeParser(
      /^image\//,
      { parseAs: 'buffer', bodyLimit: IMAGE_BYTES_MAX },
      (_request, body, done) => done(null, body),
    );
    app.setErrorHandler((error) => {
      if ((error as { code?: string }).code === 'FST_ERR_CTP_BODY_TOO_LARGE')
        throw CommerceErrors.imageTooLarge(IMAGE_BYTES_MAX);
      throw error;
    });
    app.post(
      '/v1/merchant/products/:productId/images',
      {
        onRequest: guards.requireMerchant,
        bodyLimit: IMAGE_BYTES_MAX,
        schema: {
          tags: ['commerce'],
          summary:
            'Add a photo to a listing: the image bytes as the body, resized to a photo and a thumbnail',
          description: `Body: the image file itself with its type as Content-Type (image/jpeg, image/png, image/webp, image/gif, image/heic, image/avif), as a browser sends \`fetch(url, { method: 'POST', headers: { 'content-type': file.type }, body: file })\`. At most ${IMAGE_BYTES_MAX} bytes (413 IMAGE_TOO_LARGE) and ${IMAGES_PER_PRODUCT_MAX} photos per listing (409); bytes that are not a picture: 415 NOT_AN_IMAGE; photos are processed in a separate image process, and when it cannot take the photo (too many uploads at once, or it failed): 503 IMAGE_PROCESSING_UNAVAILABLE, safe to retry. Stored by content hash and served from ${IMAGE_URL_PREFIX}{sha256}.webp; the same photo twice is attached once.`,
          consumes: ['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'image/heic', 'image/avif'],
          params: ProductIdParams,
          response: { 201: ProductSchema, ...problemResponses(400, 401, 403, 404, 409, 413, 415, 503) },
        },
      },
      async (request, reply) => {
        const { tenantId, merchantId } = actingMerchant(request);
        const product = await catalogue.getProduct(tenantId, request.params.productId);
        if (!product || product.merchantId !== merchantId) throw CommerceErrors.productNotFound();
        if (!Buffer.isBuffer(request.body)) throw CommerceErrors.notAnImage();
        const image = await images.store(request.body);
        const updated = await catalogue.addImage(
          tenantId,
          merchantId,
          product.productId,
          image,
          IMAGES_PER_PRODUCT_MAX,
        );
        return reply.code(201).send(updated);
      },
    );
  };
}
