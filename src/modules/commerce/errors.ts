import { DomainError } from '../../errors.js';
import { wonEn } from '../../won-text.js';
import type { OrderStatus } from './order-types.js';
import { UNIT_PRICE_WON_MAX } from './pricing.js';

/** The order states as the Korean app names them (web/src/i18n/commerce.ko.ts). */
const ORDER_STATUS_KO: Record<OrderStatus, string> = {
  placed: '접수 대기',
  accepted: '주문 수락',
  cooking: '조리 중',
  out_for_delivery: '배달 중',
  delivered: '배달·배송 완료',
  rejected: '거절됨',
  cancelled: '취소됨',
  expired: '응답 없어 취소됨',
  shipped: '발송됨',
  return_requested: '반품 신청됨',
  returned: '반품 완료',
};

function commerceError(
  code: string,
  httpStatus: number,
  message: string,
  messageKo: string,
  details?: Record<string, unknown>,
) {
  return new DomainError({ code, httpStatus, message, messageKo, ...(details ? { details } : {}) });
}

export const CommerceErrors = {
  imageTooLarge: (bytesMax: number) =>
    commerceError(
      'IMAGE_TOO_LARGE',
      413,
      `the photo is larger than ${bytesMax / 1024 / 1024} MB; upload a smaller one`,
      `사진이 ${bytesMax / 1024 / 1024}MB를 넘습니다. 더 작은 사진을 올려 주세요`,
      { bytesMax },
    ),
  imageTooManyPixels: (pixelsMax: number) =>
    commerceError(
      'IMAGE_TOO_LARGE',
      413,
      `the photo has more than ${pixelsMax} pixels; upload a smaller one`,
      '사진의 화소 수가 너무 많습니다. 더 작은 사진을 올려 주세요',
      { pixelsMax },
    ),
  imageNotFound: () => commerceError('IMAGE_NOT_FOUND', 404, 'no such photo', '사진을 찾을 수 없습니다'),
  imageProcessingUnavailable: () =>
    commerceError(
      'IMAGE_PROCESSING_UNAVAILABLE',
      503,
      'photos cannot be processed right now; try the upload again in a moment',
      '지금은 사진을 처리할 수 없습니다. 잠시 후 다시 올려 주세요',
    ),
  notAnImage: () =>
    commerceError(
      'NOT_AN_IMAGE',
      415,
      'the upload is not a photo: send JPEG, PNG, WebP, GIF, HEIF or AVIF bytes with an image/* content type',
      '사진 파일이 아닙니다. JPEG, PNG, WebP 등의 사진을 올려 주세요',
    ),
  tooManyImages: (imagesMax: number) =>
    commerceError(
      'TOO_MANY_IMAGES',
      409,
      `a listing has at most ${imagesMax} photos`,
      `상품 사진은 ${imagesMax}장까지 올릴 수 있습니다`,
      { imagesMax },
    ),
  productNotFound: () =>
    commerceError('PRODUCT_NOT_FOUND', 404, 'no such product', '상품을 찾을 수 없습니다'),
  shopNotFound: () =>
    commerceError(
      'SHOP_NOT_FOUND',
      404,
      'you have no approved shop with that id',
      '해당 가맹점을 찾을 수 없습니다',
    ),
  orderNotFound: () => commerceError('ORDER_NOT_FOUND', 404, 'no such order', '주문을 찾을 수 없습니다'),
  categoryNotFound: (categoryId: string) =>
    commerceError('CATEGORY_NOT_FOUND', 422, `no category ${categoryId}`, '없는 분류입니다', { categoryId }),
  categoryExists: () =>
    commerceError('CATEGORY_EXISTS', 409, 'a category with this id exists', '이미 있는 분류입니다'),
  totalTooLarge: () =>
    commerceError(
      'ORDER_TOTAL_TOO_LARGE',
      422,
      `the cart's total is more than ${Number.MAX_SAFE_INTEGER} won, more than any wallet can hold`,
      '장바구니 합계가 지갑에 담을 수 있는 금액을 넘습니다',
      { totalWonMax: Number.MAX_SAFE_INTEGER },
    ),
  invalidPrice: (unitPriceWonMax = UNIT_PRICE_WON_MAX) =>
    commerceError(
      'INVALID_PRICE',
      400,
      `a unit price must be a whole number of won from 1 to ${unitPriceWonMax}, whichever options are chosen`,
      `가격은 어떤 옵션을 고르더라도 1원부터 ${unitPriceWonMax}원까지의 정수여야 합니다`,
      { unitPriceWonMax },
    ),
  invalidStock: () =>
    commerceError(
      'INVALID_STOCK',
      400,
      'stock is a whole number of items, zero or more, for mall products only',
      '재고는 0 이상의 정수이며 온라인몰 상품에만 있습니다',
    ),
  duplicateOption: () =>
    commerceError('DUPLICATE_OPTION', 400, 'option ids must be unique', '옵션 아이디가 중복됩니다'),
  unknownOption: (optionId: string) =>
    commerceError('UNKNOWN_OPTION', 422, `the product has no option ${optionId}`, '없는 옵션입니다', {
      optionId,
    }),
  notListed: (productId: string) =>
    commerceError(
      'PRODUCT_NOT_AVAILABLE',
      409,
      'this product is hidden or not available now',
      '지금 주문할 수 없는 상품입니다',
      { productId },
    ),
  outOfStock: (productId: string, stock: number) =>
    commerceError('OUT_OF_STOCK', 409, 'not enough stock for this order', '재고가 부족합니다', {
      productId,
      stock,
    }),
  emptyCart: () => commerceError('EMPTY_CART', 400, 'the order has no items', '주문할 상품이 없습니다'),
  deliveryDongRequired: () =>
    commerceError(
      'DELIVERY_DONG_REQUIRED',
      400,
      'a delivery order needs deliveryDong',
      '배달 주문에는 배달받을 동이 필요합니다',
    ),
  noDeliveryTerms: (merchantId: string) =>
    commerceError(
      'DELIVERY_NOT_OFFERED',
      422,
      'this shop has not set its delivery terms',
      '이 가게는 배달 조건을 정하지 않았습니다',
      { merchantId },
    ),
  outsideArea: (merchantId: string, dong: string, areas: string[]) =>
    commerceError(
      'OUTSIDE_DELIVERY_AREA',
      422,
      `this shop does not deliver to ${dong}`,
      `이 가게는 ${dong}에 배달하지 않습니다`,
      { merchantId, dong, areas },
    ),
  belowMinimum: (merchantId: string, minimumOrderWon: number, subtotalWon: number) =>
    commerceError(
      'BELOW_MINIMUM_ORDER',
      422,
      `the minimum order is ${wonEn(minimumOrderWon)}`,
      `최소 주문 금액은 ${minimumOrderWon.toLocaleString('ko-KR')}원입니다`,
      { merchantId, minimumOrderWon, subtotalWon },
    ),
  closed: (merchantId: string, opensAt: string, closesAt: string) =>
    commerceError(
      'OUTSIDE_OPENING_HOURS',
      422,
      `this shop takes orders from ${opensAt} to ${closesAt}`,
      `이 가게는 ${opensAt}부터 ${closesAt}까지 주문을 받습니다`,
      { merchantId, opensAt, closesAt },
    ),
  invalidHours: () =>
    commerceError(
      'INVALID_OPENING_HOURS',
      400,
      'opening hours are HH:MM, and closing is after opening',
      '영업 시간은 HH:MM 형식이며 마감이 시작보다 늦어야 합니다',
    ),
  selfDealingRefused: (merchantId: string) =>
    commerceError(
      'SELF_DEALING_REFUSED',
      422,
      "a shop's owner cannot order from their own shop",
      '가맹점주는 자신의 가맹점에 주문할 수 없습니다',
      { merchantId },
    ),
  insufficientFunds: (shortfallWon: number) =>
    commerceError('INSUFFICIENT_FUNDS', 422, 'not enough money in the wallet', '잔액이 부족합니다', {
      shortfallWon,
    }),
  wrongState: (status: string, wanted: string) =>
    commerceError(
      'ORDER_STATE_CONFLICT',
      409,
      `the order is ${status}; this step needs it to be ${wanted}`,
      `주문 상태(${ORDER_STATUS_KO[status as OrderStatus] ?? status})에서는 할 수 없는 처리입니다`,
      { status },
    ),
  expired: () =>
    commerceError(
      'ORDER_EXPIRED',
      409,
      'the merchant did not answer in time; the money has been returned',
      '가게가 제시간에 응답하지 않아 결제가 취소되었습니다',
    ),
  trackingRequired: () =>
    commerceError(
      'TRACKING_NUMBER_REQUIRED',
      400,
      'shipping needs a trackingNumber',
      '발송 처리에는 송장 번호가 필요합니다',
    ),
  tooManyItems: (itemsMax: number) =>
    commerceError(
      'TOO_MANY_ITEMS',
      400,
      `at most ${itemsMax} lines per order`,
      `한 번에 ${itemsMax}개 품목까지 주문할 수 있습니다`,
    ),
};
