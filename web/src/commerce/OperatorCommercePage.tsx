import { type FormEvent, useState } from 'react';
import { api, call } from '../api/client.js';
import type { RequestBody } from '../api/types.js';
import { useApi } from '../api/use-api.js';
import { useSubmit } from '../api/use-submit.js';
import { addDays, parseWon, seoulInstant, seoulParts } from '../i18n/format.js';
import { useLanguage } from '../i18n/i18n.js';
import { Button } from '../ui/Button.js';
import { ConfirmSheet } from '../ui/ConfirmSheet.js';
import { SelectField, TextField } from '../ui/Field.js';
import { useFormat } from '../ui/format-hooks.js';
import { Loaded } from '../ui/Loaded.js';
import { ErrorNotice, Notice } from '../ui/Notice.js';
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
          <table className="commerce-table">
            <thead>
              <tr>
                <th scope="col">{t('commerce.merchant.channel')}</th>
                <th scope="col">{t('commerce.operator.ordersCount')}</th>
                <th scope="col">{t('commerce.operator.gmv')}</th>
                <th scope="col">{t('commerce.settlement.commission')}</th>
                <th scope="col">{t('commerce.settlement.privateApp')}</th>
                <th scope="col">{t('commerce.operator.savingToMerchants')}</th>
              </tr>
            </thead>
            <tbody>
              {data.channels.map((line) => (
                <tr key={line.channel}>
                  <td>{t(`commerce.channel.${line.channel}`)}</td>
                  <td>{format.number(line.ordersCount)}</td>
                  <td className="amount">{format.won(line.gmvWon)}</td>
                  <td className="amount">{format.won(line.commissionWon)}</td>
                  <td className="amount">{format.won(line.privateAppCostWon)}</td>
                  <td className="amount">{format.won(line.savingWon)}</td>
                </tr>
              ))}
            </tbody>
          </table>
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
type CommerceRuleKey = ScheduledRule['key'];

function scheduleRule(body: ScheduledRule) {
  return call(api.POST('/v1/operator/commerce/commission-rules', { body }));
}

/** The rules in force, and a form to schedule a new value from a later day, confirmed before → after. */
function CommissionRules() {
  const { t } = useLanguage();
  const format = useFormat();
  const rules = useApi('commerce-rules', (signal) =>
    call(api.GET('/v1/operator/commerce/commission-rules', { signal })),
  );
  const valueText = (key: string, value: number) =>
    key.endsWith('_bp')
      ? format.rate(value)
      : key.endsWith('_won')
        ? format.won(value)
        : format.number(value);
  return (
    <section className="card" aria-labelledby="commission-title">
      <h2 id="commission-title">{t('commerce.operator.rules')}</h2>
      <Loaded state={rules}>
        {(data) => (
          <>
            <table className="commerce-table">
              <thead>
                <tr>
                  <th scope="col">{t('commerce.operator.ruleKey')}</th>
                  <th scope="col">{t('commerce.operator.ruleValue')}</th>
                </tr>
              </thead>
              <tbody>
                {Object.entries(data.inForce).map(([key, value]) => (
                  <tr key={key}>
                    <td>
                      <code>{key}</code>
                    </td>
                    <td>{valueText(key, value)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <ScheduleRuleValue inForce={data.inForce} valueText={valueText} onSaved={rules.reload} />
          </>
        )}
      </Loaded>
      <p className="muted">{t('commerce.operator.rulesNote')}</p>
    </section>
  );
}

function ScheduleRuleValue({
  inForce,
  valueText,
  onSaved,
}: {
  inForce: Record<string, number>;
  valueText: (key: string, value: number) => string;
  onSaved: () => void;
}) {
  const { t } = useLanguage();
  const format = useFormat();
  const keys = Object.keys(inForce);
  const [key, setKey] = useState(keys[0] ?? '');
  const [valueInput, setValueInput] = useState('');
  const [fromDay, setFromDay] = useState(() => addDays(seoulParts(new Date()).date, 1));
  const [showErrors, setShowErrors] = useState(false);
  // A commission or cashback rate changes every later order and statement: before → after is confirmed first.
  const [confirming, setConfirming] = useState<{
    key: CommerceRuleKey;
    value: number;
    effectiveFrom: string;
  } | null>(null);
  const save = useSubmit(scheduleRule);
  const value = parseWon(valueInput);
  const errors = {
    value: value === null ? t('validation.amount') : null,
    fromDay: !fromDay
      ? t('validation.required')
      : Date.parse(seoulInstant(fromDay)) < Date.now()
        ? t('validation.effectiveFromPast')
        : null,
  };
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setShowErrors(true);
    if (errors.value || errors.fromDay || value === null) return;
    setConfirming({ key: key as CommerceRuleKey, value, effectiveFrom: seoulInstant(fromDay) });
  };
  const onConfirm = async () => {
    if (!confirming) return;
    if (await save.submit(confirming)) {
      setConfirming(null);
      setValueInput('');
      setShowErrors(false);
      onSaved();
    }
  };
  const before = confirming ? inForce[confirming.key] : undefined;
  return (
    <>
      <form className="inline-form" onSubmit={onSubmit} noValidate>
        <SelectField
          label={t('commerce.operator.ruleKey')}
          value={key}
          onValue={setKey}
          options={keys.map((option) => ({ value: option, label: option }))}
        />
        <TextField
          label={t('commerce.operator.ruleNewValue')}
          hint={t('commerce.operator.ruleUnits')}
          value={valueInput}
          onValue={setValueInput}
          inputMode="numeric"
          error={showErrors ? errors.value : null}
        />
        <TextField
          label={t('commerce.operator.ruleFrom')}
          type="date"
          value={fromDay}
          onValue={setFromDay}
          error={showErrors ? errors.fromDay : null}
        />
        <Button
          type="submit"
          variant="secondary"
          busy={save.busy}
          busyLabel={t('commerce.operator.ruleSaving')}
        >
          {t('commerce.operator.ruleSave')}
        </Button>
      </form>
      {confirming && (
        <ConfirmSheet
          title={t('trust.confirm.policy.ruleTitle')}
          lines={[
            { label: t('trust.confirm.policy.rule'), value: confirming.key, emphasis: true },
            {
              label: t('trust.confirm.policy.ruleValue'),
              value: t('trust.policyChanges.change', {
                before:
                  before === undefined ? t('trust.policyChanges.none') : valueText(confirming.key, before),
                after: valueText(confirming.key, confirming.value),
              }),
            },
            { label: t('trust.confirm.policy.from'), value: format.dateTime(confirming.effectiveFrom) },
          ]}
          note={<p>{t('trust.confirm.policy.ruleWhat')}</p>}
          confirmLabel={t('trust.confirm.policy.submit')}
          busy={save.busy}
          error={save.status === 'failed' ? save.error : null}
          onConfirm={onConfirm}
          onCancel={() => setConfirming(null)}
        />
      )}
      {!confirming && save.status === 'failed' && <ErrorNotice error={save.error} />}
      {save.status === 'succeeded' && (
        <Notice tone="success">
          {t('commerce.operator.ruleSaved', {
            key: save.result.key,
            value: valueText(save.result.key, save.result.value),
            from: format.dateTime(save.result.effectiveFrom),
          })}
        </Notice>
      )}
    </>
  );
}
