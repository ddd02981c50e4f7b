import { type FormEvent, useState } from 'react';
import { api, call } from '../api/client.js';
import type { ApiError } from '../api/problem.js';
import type { CashbackPolicy, PolicyList } from '../api/types.js';
import { useApi } from '../api/use-api.js';
import { useSubmit } from '../api/use-submit.js';
import { localName, useLanguage } from '../i18n/i18n.js';
import { Button } from '../ui/Button.js';
import { ConfirmSheet } from '../ui/ConfirmSheet.js';
import { useFormat } from '../ui/format-hooks.js';
import { Loaded } from '../ui/Loaded.js';
import { ErrorNotice, Notice } from '../ui/Notice.js';
import { Badge, DataName, Page } from '../ui/Page.js';
import { PolicyWhatIf } from './lab/PolicyWhatIf.js';
import { PolicyEditor } from './PolicyEditor.js';
import { PolicyPreview } from './PolicyPreview.js';
import { policyChanges } from './policy-changes.js';
import {
  defaultSample,
  draftFromPolicy,
  type PolicyDraft,
  periodOf,
  policyInForce,
  rulesAreValid,
  rulesOf,
  validateDraft,
  versionState,
} from './policy-draft.js';
import { RuleValues } from './RuleValues.js';

const STATE_TONE = { inForce: 'good', scheduled: 'info', ended: 'neutral' } as const;

function VersionList({ policies }: { policies: CashbackPolicy[] }) {
  const { t } = useLanguage();
  const format = useFormat();
  const now = new Date();
  const inForce = policyInForce(policies, now);
  return (
    <section className="card" aria-labelledby="versions-title">
      <h2 id="versions-title">{t('operator.policy.versions')}</h2>
      <ul className="versions">
        {policies.map((policy) => {
          const state = versionState(policy, inForce, now);
          return (
            <li key={policy.id}>
              <Badge tone={STATE_TONE[state]}>{t(`operator.policy.${state}`)}</Badge>{' '}
              <DataName>{policy.name}</DataName>
              <span className="muted">
                {' · '}
                {t('operator.policy.period', {
                  from: format.dateTime(policy.effectiveFrom),
                  to: policy.effectiveTo ? format.until(policy.effectiveTo) : t('operator.policy.openEnded'),
                })}
              </span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

/** The confirm step of a policy change: its name, when it starts, and every rule it changes. */
function PolicyConfirm({
  draft,
  inForce,
  busy,
  error,
  onConfirm,
  onCancel,
}: {
  draft: PolicyDraft;
  inForce: CashbackPolicy | null;
  busy: boolean;
  error: ApiError | null;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const { t, language } = useLanguage();
  const format = useFormat();
  const period = periodOf(draft);
  const changes = policyChanges(inForce?.rules ?? null, rulesOf(draft), {
    tier: (upToWon) => t('trust.policyChanges.tier', { upTo: format.wonCompact(upToWon) }),
    extra: (name) => t('trust.policyChanges.extra', { name }),
    promotion: (name) => t('trust.policyChanges.promotion', { name }),
    cap: t('trust.policyChanges.cap'),
    rate: format.rate,
    won: format.wonCompact,
    period: format.period,
    name: (item) => localName(item, language),
  });
  const none = t('trust.policyChanges.none');
  return (
    <ConfirmSheet
      title={t('trust.confirm.policy.title')}
      lines={[
        { label: t('trust.confirm.policy.name'), value: draft.name.trim(), emphasis: true },
        {
          label: t('trust.confirm.policy.from'),
          value: period.effectiveTo
            ? format.period(period.effectiveFrom, period.effectiveTo)
            : format.dateTime(period.effectiveFrom),
        },
        ...changes.map((change) => ({
          label: change.label,
          value: t('trust.policyChanges.change', {
            before: change.before ?? none,
            after: change.after ?? none,
          }),
        })),
      ]}
      note={
        <p>{changes.length === 0 ? t('trust.policyChanges.noChange') : t('trust.confirm.policy.what')}</p>
      }
      confirmLabel={t('trust.confirm.policy.submit')}
      busy={busy}
      error={error}
      onConfirm={onConfirm}
      onCancel={onCancel}
    />
  );
}

function PolicyWorkbench({ list, onSaved }: { list: PolicyList; onSaved: () => void }) {
  const { t } = useLanguage();
  const format = useFormat();
  // The new version takes over from whatever would be in force when it starts, scheduled versions included.
  const [draft, setDraft] = useState<PolicyDraft>(() => {
    const now = new Date();
    const start = new Date(periodOf(draftFromPolicy(null, now)).effectiveFrom);
    return draftFromPolicy(policyInForce(list.items, start), now);
  });
  const [sample, setSample] = useState(() => defaultSample(draft));
  const [showErrors, setShowErrors] = useState(false);
  const errors = validateDraft(draft, new Date());
  const valid = Object.keys(errors).length === 0;
  const save = useSubmit((body: PolicyDraft) =>
    call(
      api.POST('/v1/operator/policies', {
        body: { name: body.name.trim(), ...periodOf(body), rules: rulesOf(body) },
      }),
    ),
  );

  const [confirming, setConfirming] = useState(false);
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setShowErrors(true);
    if (!valid) return;
    save.reset();
    setConfirming(true);
  };
  const onConfirm = async () => {
    if (await save.submit(draft)) {
      setConfirming(false);
      onSaved();
    }
  };

  return (
    <div className="policy-layout">
      <form className="card form policy-editor" onSubmit={onSubmit} noValidate aria-labelledby="editor-title">
        <h2 id="editor-title">{t('operator.policy.editor')}</h2>
        <p className="muted">{t('operator.policy.editorIntro')}</p>
        <PolicyEditor draft={draft} onDraft={setDraft} errors={showErrors ? errors : {}} />
        {showErrors && !valid && <Notice tone="error">{t('validation.formHasErrors')}</Notice>}
        {save.status === 'failed' && !confirming && <ErrorNotice error={save.error} />}
        {save.status === 'succeeded' && (
          <Notice tone="success">
            {t('operator.policy.saved', {
              name: save.result.name,
              from: format.dateTime(save.result.effectiveFrom),
            })}
          </Notice>
        )}
        <Button type="submit" busy={save.busy} busyLabel={t('operator.policy.saving')}>
          {t('operator.policy.save')}
        </Button>
      </form>
      {confirming && (
        <PolicyConfirm
          draft={draft}
          inForce={policyInForce(list.items, new Date(periodOf(draft).effectiveFrom))}
          busy={save.busy}
          error={save.status === 'failed' ? save.error : null}
          onConfirm={onConfirm}
          onCancel={() => setConfirming(false)}
        />
      )}
      <PolicyPreview
        rules={rulesAreValid(errors) ? rulesOf(draft) : null}
        sample={sample}
        onSample={setSample}
      />
      <PolicyWhatIf rules={rulesAreValid(errors) ? rulesOf(draft) : null} />
    </div>
  );
}

export function PolicyPage() {
  const { t } = useLanguage();
  const policies = useApi('policies', (signal) => call(api.GET('/v1/operator/policies', { signal })));
  return (
    <Page title={t('operator.policy.title')} wide>
      <Loaded state={policies}>
        {(list) => (
          <>
            <VersionList policies={list.items} />
            <PolicyWorkbench list={list} onSaved={policies.reload} />
            <RuleValues rules={list.rules} onSaved={policies.reload} />
          </>
        )}
      </Loaded>
    </Page>
  );
}
