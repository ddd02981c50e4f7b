import type { OkResponse } from '../api/types.js';

export type Product = OkResponse<'/v1/shop/products/{productId}', 'get'>;
export type Order = OkResponse<'/v1/me/orders/{orderId}', 'get'>;
export type MerchantOrder = OkResponse<'/v1/merchant/orders', 'get'>['items'][number];
export type Category = OkResponse<'/v1/shop/categories', 'get'>['items'][number];
export type Channel = Product['channel'];
export type OrderStatus = Order['status'];
export type DeliveryTerms = OkResponse<'/v1/shop/merchants/{merchantId}/delivery-terms', 'get'>;
