import { type FormEvent, useRef, useState } from 'react';
import { Link, Route, Routes, useNavigate, useParams, useSearchParams } from 'react-router';
import { api, call, pinHeader } from '../api/client.js';
import { IdempotencyKeys, sendIdempotent } from '../api/idempotency.js';
import type { ApiError } from '../api/problem.js';
import { type Loadable, useApi } from '../api/use-api.js';
import { useSubmit } from '../api/use-submit.js';
import { NotFound } from '../app/NotFoundPage.js';
import { useLanguage } from '../i18n/i18n.js';
import { Button } from '../ui/Button.js';
import { ConfirmSheet } from '../ui/ConfirmSheet.js';
import { CheckboxField, SelectField, TextField } from '../ui/Field.js';
import { useFormat } from '../ui/format-hooks.js';
import { Loaded } from '../ui/Loaded.js';
import { ErrorNotice, Notice } from '../ui/Notice.js';
import { Badge, DataName, Page } from '../ui/Page.js';
import { ShortBalance } from '../wallet/ShortBalance.js';
import {
  type CartGroup,
  type CartLine,
  checkoutWon,
  groupByMerchant,
  lineWon,
  shortOfMinimumWon,
  useCart,
} from './cart.js';
import './commerce.css';
import { cappedQuantity, LINE_QUANTITY_MAX, quantityLimit } from './quantity.js';
import type { Channel, DeliveryTerms, Order, OrderStatus, Product } from './types.js';
import { DELIVERY_NOT_OFFERED, useDeliveryTerms } from './use-delivery-terms.js';
import { useOrderEvents } from './use-order-events.js';

const PAGE_SIZE = 40;
const CANCELLABLE: OrderStatus[] = ['placed', 'shipped', 'delivered'];
export const STATUS_TONE: Record<OrderStatus, 'neutral' | 'good' | 'bad' | 'warn' | 'info'> = {
  placed: 'info',
  accepted: 'good',
  cooking: 'good',
  out_for_delivery: 'good',
  delivered: 'good',
  shipped: 'good',
  rejected: 'bad',
  cancelled: 'neutral',
  expired: 'warn',
  return_requested: 'warn',
  returned: 'neutral',
};

/** The citizen's shop: mall and delivery listings, product page, cart, checkout and orders. */
export default function ShopRoutes() {
  return (
    <Routes>
      <Route index element={<ShopHomePage />} />
      <Route path="products/:productId" element={<ProductPage />} />
      <Route path="cart" element={<CartPage />} />
      <Route path="orders" element={<OrdersPage />} />
      <Route path="orders/:orderId" element={<OrderPage />} />
      <Route path="*" element={<NotFound />} />
    </Routes>
  );
}

function ShopLinks() {
  const { t } = useLanguage();
  const { lines } = useCart();
  return (
    <div className="page-actions">
      <Link to="/wallet/shop/cart" className="button button-secondary">
        {t('commerce.home.cart', { count: lines.length })}
      </Link>
      <Link to="/wallet/shop/orders" className="button button-ghost">
        {t('commerce.home.orders')}
      </Link>
    </div>
  );
}

function ShopHomePage() {
  const { t, language } = useLanguage();
  const format = useFormat();
  const [params, setParams] = useSearchParams();
  const channel = (params.get('channel') === 'delivery' ? 'delivery' : 'mall') as Channel;
  const q = params.get('q') ?? '';
  const category = params.get('category') ?? '';
  const [typed, setTyped] = useState(q);
  const categories = useApi('shop-categories', (signal) => call(api.GET('/v1/shop/categories', { signal })));
  const products = useApi(`shop:${channel}:${q}:${category}`, (signal) =>
    call(
      api.GET('/v1/shop/products', {
        signal,
        params: {
          query: { channel, limit: PAGE_SIZE, ...(q ? { q } : {}), ...(category ? { category } : {}) },
        },
      }),
    ),
  );
  const choose = (next: Record<string, string>) => {
    const merged = new URLSearchParams(params);
    for (const [key, value] of Object.entries(next)) {
      if (value) merged.set(key, value);
      else merged.delete(key);
    }
    setParams(merged);
  };
  const onSearch = (event: FormEvent) => {
    event.preventDefault();
    choose({ q: typed.trim() });
  };
  return (
    <Page title={t('commerce.home.title')} intro={t('commerce.home.intro')} actions={<ShopLinks />}>
      <fieldset className="shop-tabs">
        <legend className="visually-hidden">{t('commerce.merchant.channel')}</legend>
        {(['mall', 'delivery'] as const).map((option) => (
          <Button
            key={option}
            variant={option === channel ? 'primary' : 'secondary'}
            aria-pressed={option === channel}
            onClick={() => choose({ channel: option })}
          >
            {t(`commerce.channel.${option}`)}
          </Button>
        ))}
      </fieldset>
      <form className="card form shop-search" onSubmit={onSearch}>
        <TextField
          label={t('commerce.home.search')}
          hint={t('commerce.home.searchHint')}
          value={typed}
          onValue={setTyped}
          type="search"
        />
        <SelectField
          label={t('commerce.home.category')}
          value={category}
          onValue={(value) => choose({ category: value })}
          options={[
            { value: '', label: t('commerce.home.allCategories') },
            ...(categories.data?.items ?? []).map((item) => ({
              value: item.categoryId,
              label: language === 'en' ? item.nameEn : item.name,
            })),
          ]}
        />
        <Button type="submit">{t('commerce.home.submit')}</Button>
      </form>
      <Loaded state={products}>
        {(data) =>
          data.items.length === 0 ? (
            <p className="empty">{t('commerce.home.empty')}</p>
          ) : (
            <ul className="product-grid">
              {data.items.map((product) => (
                <li key={product.productId} className="product-tile">
                  <Link to={`/wallet/shop/products/${product.productId}`}>
                    <ProductPhoto product={product} thumbnail />
                    <span className="product-name">
                      <DataName>{product.name}</DataName>
                    </span>
                    <span className="amount">{format.won(product.priceWon)}</span>
                    {product.stock === 0 && <Badge tone="warn">{t('commerce.product.soldOut')}</Badge>}
                  </Link>
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
    </Page>
  );
}

function ProductPhoto({ product, thumbnail = false }: { product: Product; thumbnail?: boolean }) {
  const { t } = useLanguage();
  const image = product.images[0];
  if (!image)
    return <span className="product-photo product-photo-empty">{t('commerce.product.noPhoto')}</span>;
  return (
    <img
      className="product-photo"
      src={thumbnail ? image.thumbnailUrl : image.url}
      alt={t('commerce.product.photo', { name: product.name })}
      loading="lazy"
      width={thumbnail ? 160 : 480}
      height={thumbnail ? 160 : 480}
    />
  );
}

function ProductPage() {
  const { t } = useLanguage();
  const format = useFormat();
  const { productId = '' } = useParams();
  const { add, lines } = useCart();
  const [optionIds, setOptionIds] = useState<string[]>([]);
  const [quantity, setQuantity] = useState('1');
  const [showErrors, setShowErrors] = useState(false);
  const [added, setAdded] = useState(false);
  const product = useApi(`product-${productId}`, (signal) =>
    call(api.GET('/v1/shop/products/{productId}', { signal, params: { path: { productId } } })),
  );
  return (
    <Page
      title={product.data ? <DataName>{product.data.name}</DataName> : t('commerce.home.title')}
      actions={<ShopLinks />}
    >
      <Loaded state={product}>
        {(data) => {
          const unitWon =
            data.priceWon +
            data.options
              .filter((option) => optionIds.includes(option.optionId))
              .reduce((sum, o) => sum + o.priceDeltaWon, 0);
          const limit = quantityLimit(
            { productId: data.productId, stock: data.channel === 'mall' ? (data.stock ?? 0) : null },
            optionIds,
            lines,
          );
          const chosen = cappedQuantity(quantity, limit);
          const onSale = data.channel === 'mall' ? (data.stock ?? 0) > 0 : data.available;
          const orderable = onSale && limit.max > 0;
          // More than can be had is lowered to the most that can, and the field says why.
          const onQuantity = (text: string) => {
            const typed = cappedQuantity(text, limit);
            setAdded(false);
            setQuantity(typed?.cappedBy ? String(typed.quantity) : text);
          };
          const capNote = t(
            limit.reason === 'stock' ? 'commerce.product.cappedByStock' : 'commerce.product.cappedByLine',
            { count: limit.max, line: LINE_QUANTITY_MAX },
          );
          return (
            <section className="card product-detail">
              <ProductPhoto product={data} />
              <p className="badges">
                <Badge tone="info">{t(`commerce.channel.${data.channel}`)}</Badge>
                {data.channel === 'mall' && (
                  <Badge>{t('commerce.product.stock', { count: data.stock ?? 0 })}</Badge>
                )}
              </p>
              {data.description && (
                <p>
                  <DataName>{data.description}</DataName>
                </p>
              )}
              <p className="amount amount-large">{format.won(unitWon)}</p>
              {data.options.length > 0 && (
                <fieldset>
                  <legend>{t('commerce.product.options')}</legend>
                  {data.options.map((option) => (
                    <CheckboxField
                      key={option.optionId}
                      label={`${option.name} (${format.wonChange(option.priceDeltaWon)})`}
                      checked={optionIds.includes(option.optionId)}
                      onChecked={(checked) =>
                        setOptionIds((current) =>
                          checked
                            ? [...current, option.optionId]
                            : current.filter((id) => id !== option.optionId),
                        )
                      }
                    />
                  ))}
                </fieldset>
              )}
              <TextField
                label={t('commerce.product.quantity')}
                value={quantity}
                onValue={onQuantity}
                inputMode="numeric"
                hint={orderable && chosen?.quantity === limit.max ? capNote : undefined}
                error={showErrors && orderable && !chosen ? t('commerce.product.quantityInvalid') : null}
              />
              {!onSale && <Notice tone="warning">{t('commerce.product.unavailable')}</Notice>}
              {onSale && !orderable && (
                <Notice tone="info">
                  {limit.reason === 'stock' ? t('commerce.product.allInCart') : capNote}
                </Notice>
              )}
              {added && <Notice tone="success">{t('commerce.product.added')}</Notice>}
              <Button
                wide
                disabled={!orderable}
                onClick={() => {
                  setShowErrors(true);
                  if (!chosen) return;
                  add({
                    productId: data.productId,
                    merchantId: data.merchantId,
                    channel: data.channel,
                    name: data.name,
                    unitPriceWon: unitWon,
                    quantity: chosen.quantity,
                    optionIds: [...optionIds].sort(),
                  });
                  setQuantity('1');
                  setAdded(true);
                }}
              >
                {t('commerce.product.addToCart')}
              </Button>
              <Link to="/wallet/shop" className="button button-ghost">
                {t('commerce.product.back')}
              </Link>
            </section>
          );
        }}
      </Loaded>
    </Page>
  );
}

/** The payment PIN travels beside the order, not in it: a retry with another PIN keeps its key. */
interface Checkout {
  items: CartLine[];
  deliveryDong?: string;
  pin: string | null;
}

/** Why the server would refuse a delivery shop's order, as far as its terms tell; null when it would not. */
type DeliveryRefusal =
  | { kind: 'notOffered' }
  | { kind: 'belowMinimum'; minimumOrderWon: number; shortWon: number };

function deliveryRefusal(group: CartGroup, terms: Loadable<DeliveryTerms>): DeliveryRefusal | null {
  if (group.channel !== 'delivery') return null;
  if (terms.status === 'failed')
    return terms.error.code === DELIVERY_NOT_OFFERED ? { kind: 'notOffered' } : null;
  if (terms.status !== 'ready') return null;
  const shortWon = shortOfMinimumWon(group.lines, terms.data.minimumOrderWon);
  return shortWon > 0
    ? { kind: 'belowMinimum', minimumOrderWon: terms.data.minimumOrderWon, shortWon }
    : null;
}

/** Each delivering shop's fee as far as it is known: a shop whose terms have not answered is left out. */
function knownFeesWon(groups: CartGroup[], termsOf: (merchantId: string) => Loadable<DeliveryTerms>) {
  const fees = new Map<string, number>();
  for (const group of groups) {
    const terms = termsOf(group.merchantId);
    if (group.channel === 'delivery' && terms.status === 'ready')
      fees.set(group.merchantId, terms.data.deliveryFeeWon);
  }
  return fees;
}

/** The shortfall a refusal names (`shortfallWon`), if it names one. */
function problemShortfallWon(error: ApiError): number {
  const shortfallWon = error.problem?.shortfallWon;
  return typeof shortfallWon === 'number' ? shortfallWon : 0;
}

/**
 * Why the checkout was refused. Short of money, it is answered as the Pay page answers it: the
 * missing amount, said once, and a charge of it right here, after which the order is confirmed again.
 * Orders are paid from cashback, then charged money; with every shop's fee known the shortfall is the
 * whole checkout's, otherwise the refusal's own figure is the least of it.
 */
function CheckoutRefusal({
  error,
  itemsWon,
  heldWon,
  onCharged,
}: {
  error: ApiError;
  itemsWon: number;
  heldWon: number | null;
  onCharged: () => void;
}) {
  const short = error.code === 'INSUFFICIENT_FUNDS';
  const wallet = useApi(short ? 'wallet' : null, (signal) => call(api.GET('/v1/me/wallet', { signal })));
  if (!short || wallet.status === 'failed') return <ErrorNotice error={error} />;
  if (wallet.status === 'loading') return null;
  const spendableWon = wallet.data.cashbackWon + wallet.data.cashWon;
  const shortWon =
    heldWon !== null ? heldWon - spendableWon : Math.max(itemsWon - spendableWon, problemShortfallWon(error));
  if (shortWon <= 0) return <ErrorNotice error={error} />;
  return <ShortBalance shortWon={shortWon} wallet={wallet.data} onCharged={onCharged} />;
}

function CartPage() {
  const { t } = useLanguage();
  const format = useFormat();
  const navigate = useNavigate();
  const { lines, remove, clear } = useCart();
  const [dong, setDong] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [showErrors, setShowErrors] = useState(false);
  const keys = useRef(new IdempotencyKeys());
  const groups = groupByMerchant(lines);
  const termsOf = useDeliveryTerms(
    groups.filter((group) => group.channel === 'delivery').map((group) => group.merchantId),
  );
  const feesWon = knownFeesWon(groups, termsOf);
  const { itemsWon, deliveryOrders, heldWon } = checkoutWon(lines, feesWon);
  const hasDelivery = deliveryOrders > 0;
  // Until every delivering shop's fee is known, the items are shown with the fee beside them: the
  // total never reads as less than is held.
  const heldText =
    heldWon === null ? t('commerce.cart.plusFee', { amount: format.won(itemsWon) }) : format.won(heldWon);
  const refused = groups.some((group) => deliveryRefusal(group, termsOf(group.merchantId)) !== null);
  const numbered = groups.length > 1;
  const dongError = hasDelivery && !dong.trim() ? t('commerce.cart.dongRequired') : null;
  const checkout = useSubmit(({ pin, ...input }: Checkout) =>
    sendIdempotent(keys.current, input, (idempotencyKey) =>
      call(
        api.POST('/v1/me/orders', {
          body: {
            items: input.items.map(({ productId, quantity, optionIds }) => ({
              productId,
              quantity,
              optionIds,
            })),
            ...(input.deliveryDong ? { deliveryDong: input.deliveryDong } : {}),
          },
          params: {
            header: { 'idempotency-key': idempotencyKey, ...pinHeader(pin) },
          },
        }),
      ),
    ),
  );
  const onConfirm = async (pin: string | null) => {
    const placed = await checkout.submit({
      items: lines,
      ...(hasDelivery ? { deliveryDong: dong.trim() } : {}),
      pin,
    });
    if (placed) {
      clear();
      setConfirming(false);
      navigate('/wallet/shop/orders', { state: { placedCount: placed.orders.length } });
    }
  };
  // Short of money the confirm gives way to the charge offered in the form; once charged, it returns.
  const shortOfFunds = checkout.status === 'failed' && checkout.error.code === 'INSUFFICIENT_FUNDS';
  const onCharged = () => {
    checkout.reset();
    setConfirming(true);
  };
  const feeLines = groups.flatMap((group, index) => {
    if (group.channel !== 'delivery') return [];
    const feeWon = feesWon.get(group.merchantId);
    return {
      label: numbered ? t('commerce.cart.confirmFeeOfShop', { n: index + 1 }) : t('commerce.cart.confirmFee'),
      value: feeWon === undefined ? t('commerce.cart.confirmFeeUnknown') : format.won(feeWon),
    };
  });
  return (
    <Page title={t('commerce.cart.title')} actions={<ShopLinks />}>
      {lines.length === 0 ? (
        <p className="empty">{t('commerce.cart.empty')}</p>
      ) : (
        <form
          className="card form"
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            setShowErrors(true);
            if (dongError || refused) return;
            checkout.reset();
            setConfirming(true);
          }}
        >
          <p className="muted">{t('commerce.cart.note')}</p>
          {groups.map((group, index) => (
            <CartGroupSection
              key={group.key}
              group={group}
              number={numbered ? index + 1 : null}
              terms={termsOf(group.merchantId)}
              onRemove={remove}
            />
          ))}
          {hasDelivery && (
            <TextField
              label={t('commerce.cart.deliveryDong')}
              hint={t('commerce.cart.deliveryDongHint')}
              value={dong}
              onValue={setDong}
              error={showErrors ? dongError : null}
            />
          )}
          <p className="amount amount-large">
            {t('commerce.cart.subtotal')}: {format.won(itemsWon)}
          </p>
          {hasDelivery &&
            (heldWon === null ? (
              <p className="muted">{t('commerce.cart.feeNote')}</p>
            ) : (
              <p className="amount amount-large">
                {t('commerce.cart.confirmTotal')}: {format.won(heldWon)}
              </p>
            ))}
          {checkout.status === 'failed' && (!confirming || shortOfFunds) && (
            <CheckoutRefusal
              error={checkout.error}
              itemsWon={itemsWon}
              heldWon={heldWon}
              onCharged={onCharged}
            />
          )}
          {refused && <Notice tone="warning">{t('commerce.cart.blocked')}</Notice>}
          <Button type="submit" wide disabled={refused}>
            {t('commerce.cart.checkout')}
          </Button>
        </form>
      )}
      {confirming && !refused && !shortOfFunds && (
        <ConfirmSheet
          title={t('commerce.cart.confirmTitle')}
          lines={[
            { label: t('commerce.cart.confirmShops'), value: format.number(groups.length) },
            { label: t('commerce.cart.confirmItems'), value: format.won(itemsWon) },
            ...feeLines,
            { label: t('commerce.cart.confirmTotal'), value: heldText, emphasis: true },
            { label: t('commerce.cart.confirmFrom'), value: t('commerce.cart.confirmFromValue') },
          ]}
          note={t('commerce.cart.note')}
          confirmLabel={t('commerce.cart.confirmSubmit', { amount: heldText })}
          busy={checkout.busy}
          error={checkout.status === 'failed' ? checkout.error : null}
          askPin
          onConfirm={(pin) => void onConfirm(pin)}
          onCancel={() => setConfirming(false)}
        />
      )}
    </Page>
  );
}

/** One shop's lines in the cart; a delivering shop's fee and minimum order once its terms answer. */
function CartGroupSection({
  group,
  number,
  terms,
  onRemove,
}: {
  group: CartGroup;
  /** The shop's place in the cart, which the confirm's fee lines name; null when it is the only shop. */
  number: number | null;
  terms: Loadable<DeliveryTerms>;
  onRemove: (line: CartLine) => void;
}) {
  const { t } = useLanguage();
  const format = useFormat();
  const refusal = deliveryRefusal(group, terms);
  return (
    <section className="cart-group" aria-label={t(`commerce.channel.${group.channel}`)}>
      <h2>
        <Badge tone="info">{t(`commerce.channel.${group.channel}`)}</Badge>
        {number !== null && ` ${t('commerce.cart.shop', { n: number })}`}
      </h2>
      <ul className="cart-lines">
        {group.lines.map((line) => (
          <li key={`${line.productId}:${line.optionIds.join(',')}`}>
            <DataName>{line.name}</DataName> × {line.quantity}
            <span className="amount">{format.won(lineWon(line))}</span>
            <Button variant="ghost" onClick={() => onRemove(line)}>
              {t('commerce.cart.remove')}
            </Button>
          </li>
        ))}
      </ul>
      {group.channel === 'delivery' && terms.status === 'ready' && (
        <p className="muted">
          {t('commerce.cart.deliveryTerms', {
            fee: format.won(terms.data.deliveryFeeWon),
            minimum: format.won(terms.data.minimumOrderWon),
          })}
        </p>
      )}
      {refusal?.kind === 'belowMinimum' && (
        <Notice tone="warning">
          {t('commerce.cart.belowMinimum', {
            minimum: format.won(refusal.minimumOrderWon),
            short: format.won(refusal.shortWon),
          })}
        </Notice>
      )}
      {refusal?.kind === 'notOffered' && <Notice tone="warning">{t('commerce.cart.notOffered')}</Notice>}
    </section>
  );
}

function OrdersPage() {
  const { t } = useLanguage();
  const orders = useApi('my-orders', (signal) =>
    call(api.GET('/v1/me/orders', { signal, params: { query: { limit: 50 } } })),
  );
  const [live, setLive] = useState<Record<string, Order>>({});
  const { connected } = useOrderEvents('/v1/me/orders/events', (order) =>
    setLive((current) => ({ ...current, [order.orderId]: order })),
  );
  return (
    <Page title={t('commerce.orders.title')} actions={<ShopLinks />}>
      <p className="muted" aria-live="polite">
        {connected ? t('commerce.orders.live') : ''}
      </p>
      <Loaded state={orders}>
        {(data) =>
          data.items.length === 0 ? (
            <p className="empty">{t('commerce.orders.empty')}</p>
          ) : (
            <ul className="order-list">
              {data.items.map((item) => {
                const order = live[item.orderId] ?? item;
                return (
                  <li key={order.orderId} className="card">
                    <OrderSummary order={order} />
                    <Link to={`/wallet/shop/orders/${order.orderId}`}>{t('commerce.orders.detail')}</Link>
                  </li>
                );
              })}
            </ul>
          )
        }
      </Loaded>
    </Page>
  );
}

export function OrderSummary({ order }: { order: Order }) {
  const { t } = useLanguage();
  const format = useFormat();
  return (
    <div className="order-summary">
      <p className="badges">
        <Badge tone="info">{t(`commerce.channel.${order.channel}`)}</Badge>
        <span data-testid="order-status">
          <Badge tone={STATUS_TONE[order.status]}>{t(`commerce.status.${order.status}`)}</Badge>
        </span>
      </p>
      <ul className="cart-lines">
        {order.items.map((line) => (
          <li key={`${line.productId}:${line.optionIds.join(',')}`}>
            <DataName>{line.name}</DataName> × {line.quantity}
            <span className="amount">{format.won(line.lineWon)}</span>
          </li>
        ))}
      </ul>
      <p>
        {t('commerce.orders.total')}: <span className="amount">{format.won(order.totalWon)}</span>
        {order.cashbackWon > 0 && (
          <>
            {' · '}
            {t('commerce.orders.cashback')}: <span className="amount">{format.won(order.cashbackWon)}</span>
          </>
        )}
      </p>
      {order.deliveryDong && (
        <p className="muted">
          {t('commerce.orders.deliveryTo', { dong: '' })}
          <DataName>{order.deliveryDong}</DataName>
        </p>
      )}
      {order.trackingNumber && (
        <p className="muted">{t('commerce.orders.tracking', { number: order.trackingNumber })}</p>
      )}
      {order.reason && (
        <p className="muted">
          {t('commerce.orders.reason', { reason: '' })}
          <DataName>{order.reason}</DataName>
        </p>
      )}
    </div>
  );
}

function OrderPage() {
  const { t } = useLanguage();
  const format = useFormat();
  const { orderId = '' } = useParams();
  const loaded = useApi(`order-${orderId}`, (signal) =>
    call(api.GET('/v1/me/orders/{orderId}', { signal, params: { path: { orderId } } })),
  );
  const [live, setLive] = useState<Order | null>(null);
  useOrderEvents('/v1/me/orders/events', (order) => {
    if (order.orderId === orderId) setLive(order);
  });
  // A retry after an unknown outcome keeps its key: the server answers it with the first result.
  const cancelKeys = useRef(new IdempotencyKeys());
  const cancel = useSubmit(() =>
    sendIdempotent(cancelKeys.current, { orderId }, (idempotencyKey) =>
      call(
        api.POST('/v1/me/orders/{orderId}/cancellation', {
          params: { path: { orderId }, header: { 'idempotency-key': idempotencyKey } },
          body: {},
        }),
      ),
    ),
  );
  const order = cancel.result ?? live ?? loaded.data;
  return (
    <Page title={t('commerce.orders.detail')} actions={<ShopLinks />}>
      <Loaded state={loaded}>
        {() =>
          order ? (
            <section className="card">
              <OrderSummary order={order} />
              <p className="muted">
                {t('commerce.orders.placedAt')}: {format.dateTime(order.createdAt)}
              </p>
              {cancel.status === 'failed' && <ErrorNotice error={cancel.error} />}
              {cancel.status === 'succeeded' && (
                <Notice tone="success">{t('commerce.orders.cancelled')}</Notice>
              )}
              {CANCELLABLE.includes(order.status) &&
                !(order.channel === 'delivery' && order.status === 'delivered') && (
                  <Button variant="danger" busy={cancel.busy} onClick={() => void cancel.submit(undefined)}>
                    {order.status === 'placed'
                      ? t('commerce.orders.cancel')
                      : t('commerce.orders.returnRequest')}
                  </Button>
                )}
            </section>
          ) : null
        }
      </Loaded>
    </Page>
  );
}
