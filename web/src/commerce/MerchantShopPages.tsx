import { type FormEvent, useRef, useState } from 'react';
import { api, call } from '../api/client.js';
import { IdempotencyKeys, sendIdempotent } from '../api/idempotency.js';
import type { RequestBody } from '../api/types.js';
import { useApi } from '../api/use-api.js';
import { useSubmit } from '../api/use-submit.js';
import { useSession } from '../auth/session.js';
import { parseWon } from '../i18n/format.js';
import { useLanguage } from '../i18n/i18n.js';
import { AmountField } from '../ui/AmountField.js';
import { Button } from '../ui/Button.js';
import { CheckboxField, SelectField, TextField } from '../ui/Field.js';
import { useFieldErrors } from '../ui/field-errors.js';
import { useFormat } from '../ui/format-hooks.js';
import { Loaded } from '../ui/Loaded.js';
import { ErrorNotice, Notice } from '../ui/Notice.js';
import { Badge, DataName, Page } from '../ui/Page.js';
import './commerce.css';
import {
  PRODUCT_NAME_LENGTH_MAX,
  type ProductProblem,
  parseStock,
  STOCK_MAX,
  validateProduct,
} from './product-draft.js';
import { OrderSummary } from './ShopPages.js';
import type { Channel, MerchantOrder, Order, OrderStatus, Product } from './types.js';
import { playNewOrderChime, useOrderEvents } from './use-order-events.js';

/** The merchant's next step per channel and status (accept and reject have their own buttons). */
const NEXT_STEP: Record<Channel, Partial<Record<OrderStatus, OrderStatus>>> = {
  delivery: { accepted: 'cooking', cooking: 'out_for_delivery', out_for_delivery: 'delivered' },
  mall: { placed: 'shipped', shipped: 'delivered', return_requested: 'returned' },
};

/** Catalogue editor: list a product or menu item, change stock and availability, upload photos. */
export function CataloguePage() {
  const { t } = useLanguage();
  const products = useApi('merchant-products', (signal) =>
    call(api.GET('/v1/merchant/products', { signal, params: { query: { limit: 100 } } })),
  );
  return (
    <Page title={t('commerce.merchant.catalogueTitle')} intro={t('commerce.merchant.catalogueIntro')}>
      <NewProductForm onCreated={products.reload} />
      <Loaded state={products}>
        {(data) =>
          data.items.length === 0 ? (
            <p className="empty">{t('commerce.merchant.empty')}</p>
          ) : (
            <ul className="order-list">
              {data.items.map((product) => (
                <li key={product.productId} className="card">
                  <ProductEditor product={product} onChanged={products.reload} />
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
    </Page>
  );
}

/** A listing problem in the reader's language. */
function useProductProblemText() {
  const { t } = useLanguage();
  const format = useFormat();
  return (problem: ProductProblem | null): string | null => {
    if (problem === 'stock')
      return t('validation.wholeNumberRange', { min: format.number(0), max: format.number(STOCK_MAX) });
    return problem ? t(`validation.${problem}`) : null;
  };
}

function NewProductForm({ onCreated }: { onCreated: () => void }) {
  const { t, language } = useLanguage();
  const problemText = useProductProblemText();
  const [channel, setChannel] = useState<Channel>('mall');
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [priceText, setPriceText] = useState('');
  const [stockText, setStockText] = useState('10');
  const [categoryId, setCategoryId] = useState('');
  const [showErrors, setShowErrors] = useState(false);
  const categories = useApi('shop-categories', (signal) => call(api.GET('/v1/shop/categories', { signal })));
  const create = useSubmit((body: RequestBody<'/v1/merchant/products', 'post'>) =>
    call(api.POST('/v1/merchant/products', { body })),
  );
  const problems = validateProduct({ channel, name, price: priceText, stock: stockText, categoryId });
  const errors = useFieldErrors(
    {
      name: problemText(problems.name),
      priceWon: problemText(problems.priceWon),
      stock: problemText(problems.stock),
      categoryId: problemText(problems.categoryId),
    },
    showErrors,
    create.error,
  );
  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setShowErrors(true);
    const priceWon = parseWon(priceText);
    const stock = parseStock(stockText);
    if (Object.values(problems).some(Boolean) || priceWon === null) return;
    const created = await create.submit({
      channel,
      name: name.trim(),
      description: description.trim(),
      priceWon,
      categoryId,
      ...(channel === 'mall' ? { stock: stock ?? 0 } : { available: true }),
    });
    if (created) {
      setName('');
      setDescription('');
      setPriceText('');
      setShowErrors(false);
      onCreated();
    }
  };
  return (
    <form className="card form" onSubmit={onSubmit} noValidate aria-labelledby="new-product-title">
      <h2 id="new-product-title">{t('commerce.merchant.newProduct')}</h2>
      <SelectField
        label={t('commerce.merchant.channel')}
        value={channel}
        onValue={(value) => setChannel(value === 'delivery' ? 'delivery' : 'mall')}
        options={[
          { value: 'mall', label: t('commerce.channel.mall') },
          { value: 'delivery', label: t('commerce.channel.delivery') },
        ]}
      />
      <TextField
        label={t('commerce.merchant.name')}
        value={name}
        onValue={setName}
        maxLength={PRODUCT_NAME_LENGTH_MAX}
        error={errors.name}
      />
      <TextField
        label={t('commerce.merchant.description')}
        value={description}
        onValue={setDescription}
        maxLength={2000}
        optional
      />
      <AmountField
        label={t('commerce.merchant.price')}
        value={priceText}
        onValue={setPriceText}
        error={errors.priceWon}
      />
      {channel === 'mall' && (
        <TextField
          label={t('commerce.merchant.stock')}
          value={stockText}
          onValue={setStockText}
          inputMode="numeric"
          error={errors.stock}
        />
      )}
      <SelectField
        label={t('commerce.merchant.category')}
        value={categoryId}
        onValue={setCategoryId}
        placeholder="—"
        options={(categories.data?.items ?? []).map((item) => ({
          value: item.categoryId,
          label: language === 'en' ? item.nameEn : item.name,
        }))}
        error={errors.categoryId}
      />
      {create.status === 'failed' && <ErrorNotice error={create.error} fields={Object.keys(errors)} />}
      {create.status === 'succeeded' && <Notice tone="success">{t('commerce.merchant.created')}</Notice>}
      <Button type="submit" busy={create.busy}>
        {t('commerce.merchant.create')}
      </Button>
    </form>
  );
}

function ProductEditor({ product, onChanged }: { product: Product; onChanged: () => void }) {
  const { t } = useLanguage();
  const format = useFormat();
  const problemText = useProductProblemText();
  const file = useRef<HTMLInputElement>(null);
  const [stockText, setStockText] = useState(String(product.stock ?? 0));
  const [available, setAvailable] = useState(product.available);
  const [showErrors, setShowErrors] = useState(false);
  const save = useSubmit((stock: number | null) =>
    call(
      api.PATCH('/v1/merchant/products/{productId}', {
        params: { path: { productId: product.productId } },
        body: stock === null ? { available } : { stock },
      }),
    ),
  );
  const stock = parseStock(stockText);
  const errors = useFieldErrors(
    { stock: product.channel === 'mall' && stock === null ? problemText('stock') : null },
    showErrors,
    save.error,
  );
  const onSave = async () => {
    setShowErrors(true);
    if (product.channel !== 'mall') {
      if (await save.submit(null)) onChanged();
    } else if (stock !== null && (await save.submit(stock))) onChanged();
  };
  // The photo is the request body itself, with its own type; the client adds the session's CSRF token.
  const upload = useSubmit((photo: File) =>
    call(
      api.POST('/v1/merchant/products/{productId}/images', {
        params: { path: { productId: product.productId } },
        body: photo as never,
        bodySerializer: (body: unknown) => body as BodyInit,
        headers: { 'content-type': photo.type || 'application/octet-stream' },
      }),
    ),
  );
  const onPhoto = async () => {
    const chosen = file.current?.files?.[0];
    if (!chosen) return;
    if (await upload.submit(chosen)) onChanged();
    if (file.current) file.current.value = '';
  };
  const fileId = `photo-${product.productId}`;
  return (
    <div className="product-editor">
      <p className="badges">
        <Badge tone="info">{t(`commerce.channel.${product.channel}`)}</Badge>
        {product.hidden && (
          <Badge tone="bad">{t('commerce.merchant.hidden', { reason: product.hidden.reason })}</Badge>
        )}
      </p>
      <h3>
        <DataName>{product.name}</DataName> · <span className="amount">{format.won(product.priceWon)}</span>
      </h3>
      <div className="product-thumbs">
        {product.images.map((image) => (
          <img
            key={image.imageId}
            src={image.thumbnailUrl}
            alt={t('commerce.product.photo', { name: product.name })}
            width={80}
            height={80}
          />
        ))}
      </div>
      <div className="order-actions">
        {product.channel === 'mall' ? (
          <TextField
            label={t('commerce.merchant.stock')}
            value={stockText}
            onValue={setStockText}
            inputMode="numeric"
            error={errors.stock}
          />
        ) : (
          <CheckboxField
            label={t('commerce.merchant.available')}
            checked={available}
            onChecked={setAvailable}
          />
        )}
        <Button variant="secondary" busy={save.busy} onClick={() => void onSave()}>
          {t('commerce.merchant.save')}
        </Button>
      </div>
      <div className="field">
        <label htmlFor={fileId}>{t('commerce.merchant.photo')}</label>
        <p className="hint">{t('commerce.merchant.photoHint')}</p>
        <input
          id={fileId}
          ref={file}
          type="file"
          accept="image/jpeg,image/png,image/webp,image/gif,image/heic,image/avif"
          onChange={() => void onPhoto()}
        />
      </div>
      {save.status === 'failed' && <ErrorNotice error={save.error} fields={Object.keys(errors)} />}
      {upload.status === 'failed' && <ErrorNotice error={upload.error} />}
      {upload.status === 'succeeded' && (
        <Notice tone="success">{t('commerce.merchant.photoUploaded')}</Notice>
      )}
    </div>
  );
}

/** The live order queue: a new delivery order rings and flashes; accept, reject or take the next step. */
export function OrderQueuePage() {
  const { t } = useLanguage();
  const queue = useApi('merchant-orders', (signal) =>
    call(api.GET('/v1/merchant/orders', { signal, params: { query: { limit: 100 } } })),
  );
  const [live, setLive] = useState<Record<string, MerchantOrder>>({});
  const [fresh, setFresh] = useState<string[]>([]);
  // The queue lists the chosen shop's orders (the first one until the owner chooses): stream the same.
  const session = useSession();
  const shopId = session.merchantId ?? session.me?.merchantIds[0] ?? null;
  const { connected } = useOrderEvents(
    '/v1/merchant/orders/events',
    (order, isNewDelivery) => {
      setLive((current) => ({ ...current, [order.orderId]: order as MerchantOrder }));
      if (isNewDelivery || order.status === 'placed') {
        setFresh((current) => [order.orderId, ...current]);
        if (isNewDelivery) playNewOrderChime();
      }
    },
    shopId,
  );
  const known = new Set((queue.data?.items ?? []).map((order) => order.orderId));
  const arrived = Object.values(live).filter((order) => !known.has(order.orderId));
  const orders = [
    ...arrived.reverse(),
    ...(queue.data?.items ?? []).map((order) => live[order.orderId] ?? order),
  ];
  const hasNewDelivery = fresh.some(
    (id) => live[id]?.channel === 'delivery' && live[id]?.status === 'placed',
  );
  return (
    <Page title={t('commerce.merchant.ordersTitle')} intro={t('commerce.merchant.ordersIntro')}>
      <p className="muted">{connected ? t('commerce.merchant.live') : t('commerce.merchant.offline')}</p>
      <div aria-live="assertive">
        {hasNewDelivery && (
          <Notice tone="warning">
            <span className="new-order-alert">{t('commerce.merchant.newOrderAlert')}</span>
          </Notice>
        )}
      </div>
      <Loaded state={queue}>
        {() => (
          <ul className="order-list">
            {orders.map((order) => (
              <li
                key={order.orderId}
                className={`card${fresh.includes(order.orderId) ? ' order-queue-new' : ''}`}
              >
                <QueuedOrder
                  order={order}
                  onChanged={(changed) => {
                    setLive((current) => ({ ...current, [changed.orderId]: changed as MerchantOrder }));
                    setFresh((current) => current.filter((id) => id !== changed.orderId));
                  }}
                />
              </li>
            ))}
          </ul>
        )}
      </Loaded>
    </Page>
  );
}

type Step =
  | { kind: 'accept' }
  | { kind: 'reject'; reason: string }
  | { kind: 'advance'; status: OrderStatus; trackingNumber?: string };

function QueuedOrder({ order, onChanged }: { order: MerchantOrder; onChanged: (order: Order) => void }) {
  const { t } = useLanguage();
  const format = useFormat();
  const [reason, setReason] = useState(t('commerce.merchant.rejectReasonDefault'));
  const [tracking, setTracking] = useState('');
  const keys = useRef(new IdempotencyKeys());
  // One key per step: a retry of the same step after a lost answer gets the first answer back.
  const act = useSubmit((step: Step) =>
    sendIdempotent(keys.current, { orderId: order.orderId, step }, (idempotencyKey) => {
      const params = { path: { orderId: order.orderId }, header: { 'idempotency-key': idempotencyKey } };
      if (step.kind === 'accept') return call(api.POST('/v1/merchant/orders/{orderId}/accept', { params }));
      if (step.kind === 'reject')
        return call(
          api.POST('/v1/merchant/orders/{orderId}/reject', { params, body: { reason: step.reason } }),
        );
      return call(
        api.POST('/v1/merchant/orders/{orderId}/status', {
          params,
          body: {
            status: step.status,
            ...(step.trackingNumber ? { trackingNumber: step.trackingNumber } : {}),
          },
        }),
      );
    }),
  );
  const run = async (step: Step) => {
    const changed = await act.submit(step);
    if (changed) onChanged(changed as Order);
  };
  const next = NEXT_STEP[order.channel][order.status];
  const decidable = order.channel === 'delivery' && order.status === 'placed';
  return (
    <div>
      <OrderSummary order={order as Order} />
      {order.status === 'placed' && (
        <p className="muted">
          {t('commerce.merchant.respondBy', { time: format.dateTime(order.holdExpiresAt) })}
        </p>
      )}
      <div className="order-actions">
        {decidable && (
          <Button busy={act.busy} onClick={() => void run({ kind: 'accept' })}>
            {t('commerce.merchant.accept')}
          </Button>
        )}
        {next === 'shipped' && (
          <TextField label={t('commerce.merchant.trackingNumber')} value={tracking} onValue={setTracking} />
        )}
        {next && (
          <Button
            variant={decidable ? 'secondary' : 'primary'}
            busy={act.busy}
            disabled={next === 'shipped' && !tracking.trim()}
            onClick={() =>
              void run({
                kind: 'advance',
                status: next,
                ...(next === 'shipped' ? { trackingNumber: tracking.trim() } : {}),
              })
            }
          >
            {t('commerce.merchant.advance', { status: t(`commerce.status.${next}`) })}
          </Button>
        )}
        {order.status === 'placed' && (
          <>
            <TextField
              label={t('commerce.merchant.rejectReason')}
              value={reason}
              onValue={setReason}
              maxLength={200}
            />
            <Button
              variant="danger"
              busy={act.busy}
              disabled={!reason.trim()}
              onClick={() => void run({ kind: 'reject', reason: reason.trim() })}
            >
              {t('commerce.merchant.reject')}
            </Button>
          </>
        )}
      </div>
      {act.status === 'failed' && <ErrorNotice error={act.error} />}
    </div>
  );
}

/** The statement's mall and delivery lines: commission and what a private app would have cost. */
export function CommerceStatementLines({
  commerce,
}: {
  commerce: {
    commissionWon: number;
    netWon: number;
    privateAppCostWon: number;
    savingWon: number;
    channels: Array<{ channel: Channel; grossWon: number; commissionWon: number }>;
  } | null;
}) {
  const { t } = useLanguage();
  const format = useFormat();
  if (!commerce) return null;
  return (
    <section className="card" aria-labelledby="commerce-lines-title">
      <h2 id="commerce-lines-title">{t('commerce.settlement.title')}</h2>
      <div className="table-scroll">
        <table className="commerce-table">
          <thead>
            <tr>
              <th scope="col">{t('commerce.merchant.channel')}</th>
              <th scope="col" className="number">
                {t('commerce.settlement.gross')}
              </th>
              <th scope="col" className="number">
                {t('commerce.settlement.commission')}
              </th>
            </tr>
          </thead>
          <tbody>
            {commerce.channels.map((line) => (
              <tr key={line.channel}>
                <td>{t(`commerce.channel.${line.channel}`)}</td>
                <td className="number">{format.won(line.grossWon)}</td>
                <td className="number">{format.won(line.commissionWon)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <dl className="confirm-lines">
        <div>
          <dt>{t('commerce.settlement.net')}</dt>
          <dd>{format.won(commerce.netWon)}</dd>
        </div>
        <div>
          <dt>{t('commerce.settlement.privateApp')}</dt>
          <dd>{format.won(commerce.privateAppCostWon)}</dd>
        </div>
        <div className="confirm-emphasis">
          <dt>{t('commerce.settlement.saving')}</dt>
          <dd data-testid="commerce-saving">{format.won(commerce.savingWon)}</dd>
        </div>
      </dl>
    </section>
  );
}
