import { type FormEvent, useState } from 'react';
import { api, call } from '../api/client.js';
import type { CashbackPolicy, PolicyList } from '../api/types.js';
import { useApi } from '../api/use-api.js';
import { useSubmit } from '../api/use-submit.js';
import { useLanguage } from '../i18n/i18n.js';
import { Button } from '../ui/Button.js';
import { useFormat } from '../ui/format-hooks.js';
import { Loaded } from '../ui/Loaded.js';
import { ErrorNotice, Notice } from '../ui/Notice.js';
import { Badge, DataName, Page } from '../ui/Page.js';
import { PolicyEditor } from './PolicyEditor.js';
import { PolicyPreview } from './PolicyPreview.js';
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

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setShowErrors(true);
    if (!valid) return;
    if (await save.submit(draft)) onSaved();
  };

  return (
    <div className="policy-layout">
      <form className="card form policy-editor" onSubmit={onSubmit} noValidate aria-labelledby="editor-title">
        <h2 id="editor-title">{t('operator.policy.editor')}</h2>
        <p className="muted">{t('operator.policy.editorIntro')}</p>
        <PolicyEditor draft={draft} onDraft={setDraft} errors={showErrors ? errors : {}} />
        {showErrors && !valid && <Notice tone="error">{t('validation.formHasErrors')}</Notice>}
        {save.status === 'failed' && <ErrorNotice error={save.error} />}
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
      <PolicyPreview
        rules={rulesAreValid(errors) ? rulesOf(draft) : null}
        sample={sample}
        onSample={setSample}
      />
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
