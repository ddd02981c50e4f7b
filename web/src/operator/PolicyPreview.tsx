import { api, call } from '../api/client.js';
import type { CashbackRules, PolicyPreview as Preview } from '../api/types.js';
import { useApi } from '../api/use-api.js';
import { parseWon } from '../i18n/format.js';
import { useLanguage } from '../i18n/i18n.js';
import { Button } from '../ui/Button.js';
import { CheckboxField, TextField } from '../ui/Field.js';
import { useFormat } from '../ui/format-hooks.js';
import { Loading } from '../ui/Loaded.js';
import { ErrorNotice } from '../ui/Notice.js';
import { useDebounced } from '../ui/use-debounced.js';
import { CashbackLines } from '../wallet/CashbackLines.js';
import { type SampleDraft, sampleOf } from './policy-draft.js';

const PREVIEW_DEBOUNCE_MS = 500;
const BP_PER_WHOLE = 10_000;

function QuoteColumn({
  title,
  quote,
  amountWon,
}: {
  title: string;
  quote: Preview['current'];
  amountWon: number;
}) {
  const { t } = useLanguage();
  const format = useFormat();
  const effectiveBp = amountWon > 0 ? Math.floor((quote.cashbackWon * BP_PER_WHOLE) / amountWon) : 0;
  return (
    <div className="quote">
      <h3>{title}</h3>
      <p className="quote-amount">
        {t('operator.policy.cashback')} <strong>{format.won(quote.cashbackWon)}</strong>
      </p>
      <p className="muted">{t('operator.policy.effectiveRate', { rate: format.rate(effectiveBp) })}</p>
      {quote.rules.length === 0 && <p className="muted">{t('operator.policy.noLines')}</p>}
      <CashbackLines rules={quote.rules} limitedBy={quote.limitedBy} />
    </div>
  );
}

interface PolicyPreviewProps {
  /** The draft's rules, or null while the draft has a mistake. */
  rules: CashbackRules | null;
  sample: SampleDraft;
  onSample: (sample: SampleDraft) => void;
}

/** What a sample payment earns under the policy in force and under the draft, side by side. */
export function PolicyPreview({ rules, sample, onSample }: PolicyPreviewProps) {
  const { t } = useLanguage();
  const apiSample = sampleOf(sample);
  const request = rules && apiSample ? JSON.stringify({ rules, sample: apiSample }) : null;
  const key = useDebounced(request, PREVIEW_DEBOUNCE_MS);
  const preview = useApi(key, (signal) =>
    call(api.POST('/v1/operator/policies/preview', { signal, body: JSON.parse(key ?? '{}') })),
  );
  const set =
    <Key extends keyof SampleDraft>(name: Key) =>
    (value: SampleDraft[Key]) =>
      onSample({ ...sample, [name]: value });
  const amountWon = parseWon(sample.amount) ?? 0;

  return (
    <section className="card preview" aria-labelledby="preview-title">
      <h2 id="preview-title">{t('operator.policy.sample')}</h2>
      <div className="sample-fields">
        <TextField
          label={t('operator.policy.sampleAmount')}
          value={sample.amount}
          onValue={set('amount')}
          inputMode="numeric"
        />
        <TextField
          label={t('operator.policy.sampleAt')}
          type="date"
          value={sample.day}
          onValue={set('day')}
        />
        <TextField
          label={t('operator.policy.sampleSpentBefore')}
          value={sample.spentBefore}
          onValue={set('spentBefore')}
          inputMode="numeric"
        />
        <TextField
          label={t('operator.policy.sampleRevenue')}
          value={sample.revenue}
          onValue={set('revenue')}
          inputMode="numeric"
        />
        <CheckboxField
          label={t('operator.policy.sampleTraditional')}
          checked={sample.traditionalMarket}
          onChecked={set('traditionalMarket')}
        />
        <CheckboxField
          label={t('operator.policy.sampleBookstore')}
          checked={sample.bookstore}
          onChecked={set('bookstore')}
        />
        <CheckboxField
          label={t('operator.policy.sampleWelfare')}
          checked={sample.welfare}
          onChecked={set('welfare')}
        />
      </div>
      <Button
        variant="secondary"
        onClick={preview.reload}
        disabled={key === null}
        busy={preview.status === 'loading' && key !== null}
        busyLabel={t('operator.policy.previewing')}
      >
        {t('operator.policy.preview')}
      </Button>
      <div className="preview-result" aria-live="polite">
        {key === null ? (
          <p className="muted">{t('validation.formHasErrors')}</p>
        ) : preview.status === 'failed' ? (
          <ErrorNotice error={preview.error} onRetry={preview.reload} />
        ) : preview.data ? (
          <div className="quotes">
            <QuoteColumn
              title={t('operator.policy.current')}
              quote={preview.data.current}
              amountWon={amountWon}
            />
            <QuoteColumn
              title={t('operator.policy.proposed')}
              quote={preview.data.proposed}
              amountWon={amountWon}
            />
          </div>
        ) : (
          <Loading label={t('operator.policy.previewing')} />
        )}
      </div>
    </section>
  );
}
