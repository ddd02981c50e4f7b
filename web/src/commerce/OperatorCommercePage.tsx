import { type FormEvent, useState } from 'react';
import { api, call } from '../api/client.js';
import type { RequestBody } from '../api/types.js';
import { useApi } from '../api/use-api.js';
import { useSubmit } from '../api/use-submit.js';
import { useLanguage } from '../i18n/i18n.js';
import { ScheduleRuleValue, useRuleText } from '../operator/ScheduleRuleValue.js';
import { Button } from '../ui/Button.js';
import { TextField } from '../ui/Field.js';
import { useFormat } from '../ui/format-hooks.js';
import { Loaded } from '../ui/Loaded.js';
import { ErrorNotice } from '../ui/Notice.js';
import { Badge, DataName, Page } from '../ui/Page.js';
import './commerce.css';
import type { Product } from './types.js';

/** Operators: channel figures, categories, listing moderation and the commission rules in force. */
export function OperatorCommercePage() {
  const { t } = useLanguage();
  return (
    <Page title={t('commerce.operator.title')} wide>
      <ChannelFigures />
      <Categories />
      <Moderation />
      <CommissionRules />
    </Page>
  );
}

function ChannelFigures() {
  const { t } = useLanguage();
  const format = useFormat();
  const figures = useApi('commerce-figures', (signal) =>
    call(api.GET('/v1/operator/commerce/figures', { signal })),
  );
  return (
    <section className="card" aria-labelledby="figures-title">
      <h2 id="figures-title">
        {t('commerce.operator.figures')}
        {figures.data ? ` · ${format.month(figures.data.month)}` : ''}
      </h2>
      <Loaded state={figures}>
        {(data) => (
          <div className="table-scroll">
            <table className="commerce-table">
              <thead>
                <tr>
                  <th scope="col">{t('commerce.merchant.channel')}</th>
                  <th scope="col" className="number">
                    {t('commerce.operator.ordersCount')}
                  </th>
                  <th scope="col" className="number">
                    {t('commerce.operator.gmv')}
                  </th>
                  <th scope="col" className="number">
                    {t('commerce.settlement.commission')}
                  </th>
                  <th scope="col" className="number">
                    {t('commerce.settlement.privateApp')}
                  </th>
                  <th scope="col" className="number">
                    {t('commerce.operator.savingToMerchants')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {data.channels.map((line) => (
                  <tr key={line.channel}>
                    <td>{t(`commerce.channel.${line.channel}`)}</td>
                    <td className="number">{format.number(line.ordersCount)}</td>
                    <td className="number">{format.won(line.gmvWon)}</td>
                    <td className="number">{format.won(line.commissionWon)}</td>
                    <td className="number">{format.won(line.privateAppCostWon)}</td>
                    <td className="number">{format.won(line.savingWon)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Loaded>
    </section>
  );
}

function Categories() {
  const { t } = useLanguage();
  const categories = useApi('shop-categories', (signal) => call(api.GET('/v1/shop/categories', { signal })));
  const [categoryId, setCategoryId] = useState('');
  const [name, setName] = useState('');
  const [nameEn, setNameEn] = useState('');
  const create = useSubmit(() =>
    call(
      api.POST('/v1/operator/commerce/categories', { body: { categoryId: categoryId.trim(), name, nameEn } }),
    ),
  );
  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (await create.submit(undefined)) {
      setCategoryId('');
      setName('');
      setNameEn('');
      categories.reload();
    }
  };
  return (
    <section className="card" aria-labelledby="categories-title">
      <h2 id="categories-title">{t('commerce.operator.categories')}</h2>
      <Loaded state={categories}>
        {(data) => (
          <ul className="badges">
            {data.items.map((item) => (
              <li key={item.categoryId}>
                <Badge>
                  <DataName>{`${item.name} / ${item.nameEn}`}</DataName>
                </Badge>
              </li>
            ))}
          </ul>
        )}
      </Loaded>
      <form className="form" onSubmit={onSubmit} noValidate>
        <TextField label={t('commerce.operator.categoryId')} value={categoryId} onValue={setCategoryId} />
        <TextField label={t('commerce.operator.categoryName')} value={name} onValue={setName} />
        <TextField label={t('commerce.operator.categoryNameEn')} value={nameEn} onValue={setNameEn} />
        {create.status === 'failed' && <ErrorNotice error={create.error} />}
        <Button type="submit" busy={create.busy}>
          {t('commerce.operator.addCategory')}
        </Button>
      </form>
    </section>
  );
}

function Moderation() {
  const { t } = useLanguage();
  const format = useFormat();
  const [q, setQ] = useState('');
  const [query, setQuery] = useState('');
  const listings = useApi(`moderation:${query}`, (signal) =>
    call(
      api.GET('/v1/shop/products', {
        signal,
        params: { query: { limit: 50, ...(query ? { q: query } : {}) } },
      }),
    ),
  );
  return (
    <section className="card" aria-labelledby="moderation-title">
      <h2 id="moderation-title">{t('commerce.operator.listings')}</h2>
      <form
        className="form"
        onSubmit={(event) => {
          event.preventDefault();
          setQuery(q.trim());
        }}
      >
        <TextField label={t('commerce.home.search')} value={q} onValue={setQ} type="search" />
        <Button type="submit" variant="secondary">
          {t('commerce.home.submit')}
        </Button>
      </form>
      <Loaded state={listings}>
        {(data) => (
          <ul className="order-list">
            {data.items.map((product) => (
              <li key={product.productId}>
                <DataName>{product.name}</DataName> ·{' '}
                <span className="amount">{format.won(product.priceWon)}</span>
                <HideControl product={product} />
              </li>
            ))}
          </ul>
        )}
      </Loaded>
    </section>
  );
}

function HideControl({ product }: { product: Product }) {
  const { t } = useLanguage();
  const [reason, setReason] = useState('');
  const [hidden, setHidden] = useState(product.hidden);
  const act = useSubmit((hide: boolean) => {
    const params = { path: { productId: product.productId } };
    return hide
      ? call(
          api.POST('/v1/operator/commerce/products/{productId}/hide', {
            params,
            body: { reason: reason.trim() },
          }),
        )
      : call(api.DELETE('/v1/operator/commerce/products/{productId}/hide', { params }));
  });
  const run = async (hide: boolean) => {
    const changed = await act.submit(hide);
    if (changed) setHidden(changed.hidden);
  };
  return (
    <div className="order-actions">
      {hidden ? (
        <>
          <Badge tone="bad">{t('commerce.operator.hiddenBy', { reason: hidden.reason })}</Badge>
          <Button variant="secondary" busy={act.busy} onClick={() => void run(false)}>
            {t('commerce.operator.unhide')}
          </Button>
        </>
      ) : (
        <>
          <TextField
            label={t('commerce.operator.hideReason')}
            value={reason}
            onValue={setReason}
            maxLength={200}
          />
          <Button variant="danger" busy={act.busy} disabled={!reason.trim()} onClick={() => void run(true)}>
            {t('commerce.operator.hide')}
          </Button>
        </>
      )}
      {act.status === 'failed' && <ErrorNotice error={act.error} />}
    </div>
  );
}

type ScheduledRule = RequestBody<'/v1/operator/commerce/commission-rules', 'post'>;

function scheduleRule(body: ScheduledRule) {
  return call(api.POST('/v1/operator/commerce/commission-rules', { body }));
}

/** The rules in force, and a form to schedule a new value from a later day, confirmed before → after. */
function CommissionRules() {
  const { t } = useLanguage();
  const ruleText = useRuleText();
  const rules = useApi('commerce-rules', (signal) =>
    call(api.GET('/v1/operator/commerce/commission-rules', { signal })),
  );
  return (
    <section className="card" aria-labelledby="commission-title">
      <h2 id="commission-title">{t('commerce.operator.rules')}</h2>
      <Loaded state={rules}>
        {(data) => {
          const inForce = Object.entries(data.inForce).map(([key, value]) => ({
            key: key as ScheduledRule['key'],
            value,
          }));
          return (
            <>
              <div className="table-scroll">
                <table className="commerce-table">
                  <thead>
                    <tr>
                      <th scope="col">{t('operator.policy.ruleKey')}</th>
                      <th scope="col">{t('operator.policy.ruleValue')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {inForce.map(({ key, value }) => (
                      <tr key={key}>
                        <th scope="row">{ruleText.name(key)}</th>
                        <td>{ruleText.value(key, value)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <ScheduleRuleValue
                inForce={inForce}
                save={scheduleRule}
                onSaved={rules.reload}
                hint={t('commerce.operator.ruleUnits')}
              />
            </>
          );
        }}
      </Loaded>
      <p className="muted">{t('commerce.operator.rulesNote')}</p>
    </section>
  );
}
