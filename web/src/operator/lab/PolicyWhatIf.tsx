import { type FormEvent, useState } from 'react';
import { api, call } from '../../api/client.js';
import type { ApiError } from '../../api/problem.js';
import type { OkResponse, RequestBody } from '../../api/types.js';
import { useLanguage } from '../../i18n/i18n.js';
import { Button } from '../../ui/Button.js';
import { TextField } from '../../ui/Field.js';
import { ErrorNotice, Notice } from '../../ui/Notice.js';
import { daysBefore, seoulToday } from './csv.js';
import { SideBySide } from './WhatIfPanel.js';

type WhatIfRules = RequestBody<'/v1/operator/policies/what-if', 'post'>['rules'];
type WhatIfResult = OkResponse<'/v1/operator/policies/what-if', 'post', 200>;

/**
 * The policy editor's draft replayed over a past period through the real engine, actual beside
 * draft, before the operator schedules it. `rules` is null while the draft does not validate.
 */
export function PolicyWhatIf({ rules }: { rules: WhatIfRules | null }) {
  const { t } = useLanguage();
  const today = seoulToday();
  const [period, setPeriod] = useState({ from: daysBefore(today, 29), to: today });
  const [result, setResult] = useState<WhatIfResult | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async (event: FormEvent) => {
    event.preventDefault();
    if (!rules) return;
    setBusy(true);
    setError(null);
    try {
      setResult(await call(api.POST('/v1/operator/policies/what-if', { body: { ...period, rules } })));
    } catch (failure) {
      setError(failure as ApiError);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="card" aria-labelledby="policy-what-if-title" data-testid="policy-what-if">
      <h2 id="policy-what-if-title">{t('lab.whatIf.policyTitle')}</h2>
      <p className="muted">{t('lab.whatIf.policyIntro')}</p>
      <form className="filters" onSubmit={run}>
        <TextField
          label={t('lab.from')}
          type="date"
          value={period.from}
          onValue={(from) => setPeriod({ ...period, from })}
        />
        <TextField
          label={t('lab.to')}
          type="date"
          value={period.to}
          onValue={(to) => setPeriod({ ...period, to })}
        />
        <Button type="submit" busy={busy} disabled={!rules}>
          {t('lab.whatIf.compare')}
        </Button>
      </form>
      {!rules && <Notice tone="info">{t('lab.whatIf.draftInvalid')}</Notice>}
      {error && <ErrorNotice error={error} />}
      {result && <SideBySide result={result} />}
    </section>
  );
}
