import { Type } from 'typebox';
import { CursorKey, cursorCodec } from '../../http/cursor.js';
import { ORDER_STATUSES } from './order-types.js';
import { DELIVERY_FEE_WON_MAX, LINE_QUANTITY_MAX } from './pricing.js';

export const ChannelSchema = Type.Union([Type.Literal('mall'), Type.Literal('delivery')]);
const Won = Type.Integer({ minimum: -Number.MAX_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER });
/** Validated by the service too, so a zero or negative price gets INVALID_PRICE, not a schema message. */
const PriceWon = Type.Integer({
  maximum: Number.MAX_SAFE_INTEGER,
  minimum: -Number.MAX_SAFE_INTEGER,
  description: 'whole won, at least 1',
});
const Stock = Type.Integer({
  minimum: -1_000_000_000,
  maximum: 1_000_000_000,
  description: 'items left, 0 or more (mall only)',
});
const Id = Type.String({ minLength: 1, maxLength: 64 });

export const OptionSchema = Type.Object(
  {
    optionId: Type.String({ minLength: 1, maxLength: 40, pattern: '^[A-Za-z0-9_-]+$' }),
    name: Type.String({ minLength: 1, maxLength: 60 }),
    priceDeltaWon: Won,
  },
  { additionalProperties: false },
);

export const NewProductSchema = Type.Object(
  {
    channel: ChannelSchema,
    name: Type.String({ minLength: 1, maxLength: 100 }),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    priceWon: PriceWon,
    options: Type.Optional(Type.Array(OptionSchema, { maxItems: 30 })),
    stock: Type.Optional(Stock),
    available: Type.Optional(Type.Boolean()),
    categoryId: Id,
  },
  { additionalProperties: false },
);

export const ProductPatchSchema = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    priceWon: Type.Optional(PriceWon),
    options: Type.Optional(Type.Array(OptionSchema, { maxItems: 30 })),
    stock: Type.Optional(Stock),
    available: Type.Optional(Type.Boolean()),
    categoryId: Type.Optional(Id),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const ImageSchema = Type.Object({
  imageId: Type.String(),
  url: Type.String(),
  thumbnailUrl: Type.String(),
});

export const ProductSchema = Type.Object({
  productId: Type.String(),
  merchantId: Type.String(),
  channel: ChannelSchema,
  name: Type.String(),
  description: Type.String(),
  priceWon: Type.Integer(),
  options: Type.Array(OptionSchema),
  stock: Type.Union([Type.Integer(), Type.Null()]),
  available: Type.Boolean(),
  categoryId: Type.String(),
  district: Type.String(),
  dong: Type.String(),
  images: Type.Array(ImageSchema),
  hidden: Type.Union([
    Type.Object({ reason: Type.String(), at: Type.String({ format: 'date-time' }) }),
    Type.Null(),
  ]),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});

export const ProductPageSchema = Type.Object({
  items: Type.Array(ProductSchema),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

export const CategorySchema = Type.Object(
  {
    categoryId: Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z0-9-]+$' }),
    name: Type.String({ minLength: 1, maxLength: 40 }),
    nameEn: Type.String({ minLength: 1, maxLength: 60 }),
  },
  { additionalProperties: false },
);

export const DeliveryTermsSchema = Type.Object(
  {
    areas: Type.Array(Type.String({ minLength: 1, maxLength: 30 }), { minItems: 1, maxItems: 50 }),
    minimumOrderWon: Type.Integer({ minimum: 0, maximum: 10_000_000 }),
    deliveryFeeWon: Type.Integer({ minimum: 0, maximum: DELIVERY_FEE_WON_MAX }),
    opensAt: Type.String({ pattern: '^([01][0-9]|2[0-4]):[0-5][0-9]$', description: 'local HH:MM' }),
    closesAt: Type.String({
      pattern: '^([01][0-9]|2[0-4]):[0-5][0-9]$',
      description: 'local HH:MM; 24:00 = midnight',
    }),
  },
  { additionalProperties: false },
);

export const ShopQuerySchema = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 100 })),
  category: Type.Optional(Type.String({ maxLength: 64 })),
  district: Type.Optional(Type.String({ maxLength: 40 })),
  channel: Type.Optional(ChannelSchema),
  priceMinWon: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })),
  priceMaxWon: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  cursor: Type.Optional(Type.String({ maxLength: 1024 })),
});

export const OrderStatusSchema = Type.Enum(ORDER_STATUSES);

export const CheckoutSchema = Type.Object(
  {
    items: Type.Array(
      Type.Object(
        {
          productId: Id,
          quantity: Type.Integer({ minimum: 1, maximum: LINE_QUANTITY_MAX }),
          optionIds: Type.Optional(Type.Array(Type.String({ maxLength: 40 }), { maxItems: 30 })),
        },
        { additionalProperties: false },
      ),
      { maxItems: 20 },
    ),
    deliveryDong: Type.Optional(Type.String({ minLength: 1, maxLength: 30 })),
  },
  { additionalProperties: false },
);

export const OrderSchema = Type.Object({
  orderId: Type.String(),
  checkoutId: Type.String(),
  merchantId: Type.String(),
  channel: ChannelSchema,
  status: OrderStatusSchema,
  items: Type.Array(
    Type.Object({
      productId: Type.String(),
      name: Type.String(),
      quantity: Type.Integer(),
      optionIds: Type.Array(Type.String()),
      unitPriceWon: Type.Integer(),
      lineWon: Type.Integer(),
    }),
  ),
  subtotalWon: Type.Integer(),
  deliveryFeeWon: Type.Integer(),
  totalWon: Type.Integer(),
  heldWon: Type.Integer(),
  paidFrom: Type.Object({ cashbackWon: Type.Integer(), cashWon: Type.Integer() }),
  cashbackWon: Type.Integer({
    description:
      "the cashback the captured order earned; to the shop (its queue, its steps, its live stream), what the shop's own rules and the channel gave, without the customer's own extras (a welfare recipient's), as at the till",
  }),
  deliveryDong: Type.Union([Type.String(), Type.Null()]),
  trackingNumber: Type.Union([Type.String(), Type.Null()]),
  reason: Type.Union([Type.String(), Type.Null()]),
  holdExpiresAt: Type.String({ format: 'date-time' }),
  capturedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});

export const OrderPageSchema = Type.Object({
  items: Type.Array(OrderSchema),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

export const ReasonSchema = Type.Object(
  { reason: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);

export const pageCursor = cursorCodec({ at: CursorKey.instant, id: CursorKey.text });
