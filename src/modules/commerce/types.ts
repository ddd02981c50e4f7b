export type Channel = 'mall' | 'delivery';

export interface ProductOption {
  optionId: string;
  name: string;
  priceDeltaWon: number;
}

export interface ProductImage {
  imageId: string;
  url: string;
  thumbnailUrl: string;
}

export interface Product {
  productId: string;
  merchantId: string;
  channel: Channel;
  name: string;
  description: string;
  priceWon: number;
  options: ProductOption[];
  /** Items left (mall); null for a delivery menu item, which is available or not. */
  stock: number | null;
  available: boolean;
  categoryId: string;
  district: string;
  dong: string;
  images: ProductImage[];
  hidden: { reason: string; at: string } | null;
  createdAt: string;
  updatedAt: string;
}

export interface NewProduct {
  channel: Channel;
  name: string;
  description?: string;
  priceWon: number;
  options?: ProductOption[];
  stock?: number;
  available?: boolean;
  categoryId: string;
}

export type ProductPatch = Partial<Omit<NewProduct, 'channel'>>;

export interface Category {
  categoryId: string;
  name: string;
  nameEn: string;
}

export interface DeliveryTerms {
  areas: string[];
  minimumOrderWon: number;
  deliveryFeeWon: number;
  /** Local time 'HH:MM'; closesAt may be '24:00'. */
  opensAt: string;
  closesAt: string;
}

export interface ShopQuery {
  q?: string;
  category?: string;
  district?: string;
  channel?: Channel;
  priceMinWon?: number;
  priceMaxWon?: number;
  limit: number;
  after?: { at: string; id: string } | null;
}
