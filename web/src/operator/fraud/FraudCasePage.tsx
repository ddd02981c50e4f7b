import { type FormEvent, useRef, useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, call } from '../../api/client.js';
import { IdempotencyKeys, sendIdempotent } from '../../api/idempotency.js';
import { useApi } from '../../api/use-api.js';
import { useSubmit } from '../../api/use-submit.js';
import { useSession } from '../../auth/session.js';
import { useLanguage } from '../../i18n/i18n.js';
import { Button } from '../../ui/Button.js';
import { CheckboxField, TextField } from '../../ui/Field.js';
import { useFormat } from '../../ui/format-hooks.js';
import { Loaded } from '../../ui/Loaded.js';
import { ErrorNotice, Notice } from '../../ui/Notice.js';
import { Badge, DataName, Page } from '../../ui/Page.js';
import { CycleGraph } from './CycleGraph.js';
import { FRAUD_ACTIONS, type FraudCase, nameOf, SCORE_TONE, subjectName, withNames } from './types.js';

type Action = (typeof FRAUD_ACTIONS)[number];

function Evidence({ fraudCase }: { fraudCase: FraudCase }) {
  const { t, language } = useLanguage();
  const format = useFormat();
  const unknown = t('fraud.unknownParty');
  return (
    <section aria-labelledby="fraud-evidence-title">
      <h2 id="fraud-evidence-title">{t('fraud.case.evidence')}</h2>
      <ul className="fraud-alerts">
        {fraudCase.evidence.map((alert) => (
          <li key={alert.alertId} className="card fraud-alert" data-rule={alert.rule}>
            <div className="fraud-alert-head">
              <Badge tone={SCORE_TONE(alert.score)}>{t('fraud.score', { score: alert.score })}</Badge>{' '}
              <strong>{t(`fraud.rules.${alert.rule}`)}</strong>
            </div>
            <p>
              {t(`fraud.subject.${alert.subjectKind}`)}:{' '}
              <DataName>{subjectName({ ...alert, names: fraudCase.names }, unknown)}</DataName>
            </p>
            <p className="fraud-explanation">
              {withNames(language === 'en' ? alert.explanation.en : alert.explanation.ko, fraudCase.names)}
            </p>
            <p className="muted">
              {t('fraud.evidenceCount', {
                payments: alert.evidence.paymentIds.length,
                transfers: alert.evidence.transferIds.length,
              })}{' '}
              ·{' '}
              {t('fraud.seen', {
                first: format.dateTime(alert.firstSeenAt),
                last: format.dateTime(alert.lastSeenAt),
              })}
            </p>
          </li>
        ))}
      </ul>
    </section>
  );
}

function Notes({ fraudCase, onSaved }: { fraudCase: FraudCase; onSaved: () => void }) {
  const { t } = useLanguage();
  const format = useFormat();
  const [text, setText] = useState('');
  const [assignee, setAssignee] = useState('');
  const save = useSubmit(() =>
    call(
      api.POST('/v1/operator/fraud/cases/{caseId}/notes', {
        params: { path: { caseId: fraudCase.caseId } },
        body: { text: text.trim(), ...(assignee.trim() ? { assignee: assignee.trim() } : {}) },
      }),
    ),
  );
  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (!text.trim()) return;
    if (await save.submit(undefined)) {
      setText('');
      setAssignee('');
      onSaved();
    }
  };
  return (
    <section className="card" aria-labelledby="fraud-notes-title">
      <h2 id="fraud-notes-title">{t('fraud.case.notes')}</h2>
      <p>
        {t('fraud.case.assignee')}:{' '}
        {fraudCase.assignee ? <DataName>{fraudCase.assignee}</DataName> : t('fraud.case.unassigned')}
      </p>
      {fraudCase.notes.length === 0 ? (
        <p className="muted">{t('fraud.case.noNotes')}</p>
      ) : (
        <ul className="fraud-notes">
          {fraudCase.notes.map((note) => (
            <li key={`${note.at}-${note.text}`}>
              <DataName>{nameOf(fraudCase.names, note.by, t('fraud.unknownParty'))}</DataName> ·{' '}
              {format.dateTime(note.at)}: {note.text}
            </li>
          ))}
        </ul>
      )}
      <form onSubmit={onSubmit} noValidate>
        <TextField label={t('fraud.case.noteText')} value={text} onValue={setText} maxLength={2000} />
        <TextField
          label={t('fraud.case.setAssignee')}
          value={assignee}
          onValue={setAssignee}
          maxLength={64}
          optional
        />
        {save.status === 'failed' && <ErrorNotice error={save.error} />}
        <Button
          type="submit"
          variant="secondary"
          busy={save.busy}
          busyLabel={t('fraud.case.saving')}
          disabled={!text.trim()}
        >
          {t('fraud.case.saveNote')}
        </Button>
      </form>
    </section>
  );
}

function Decision({ fraudCase, onDecided }: { fraudCase: FraudCase; onDecided: () => void }) {
  const { t } = useLanguage();
  const [reason, setReason] = useState('');
  const [actions, setActions] = useState<Action[]>([]);
  const [showErrors, setShowErrors] = useState(false);
  const keys = useRef(new IdempotencyKeys());
  const decide = useSubmit((decision: 'dismissed' | 'confirmed') => {
    const body = { decision, reason: reason.trim(), actions: decision === 'confirmed' ? actions : [] };
    return sendIdempotent(keys.current, body, (key) =>
      call(
        api.POST('/v1/operator/fraud/cases/{caseId}/decision', {
          params: { path: { caseId: fraudCase.caseId }, header: { 'idempotency-key': key } },
          body,
        }),
      ),
    );
  });
  const reasonError = reason.trim() ? null : t('validation.required');
  const submit = (decision: 'dismissed' | 'confirmed') => async (event?: FormEvent) => {
    event?.preventDefault();
    setShowErrors(true);
    if (reasonError) return;
    if (await decide.submit(decision)) onDecided();
  };
  return (
    <form className="card fraud-decision" onSubmit={submit('confirmed')} noValidate>
      <h2>{t('fraud.case.decision')}</h2>
      <TextField
        label={t('fraud.case.reason')}
        hint={t('fraud.case.reasonHint')}
        value={reason}
        onValue={setReason}
        maxLength={1000}
        error={showErrors ? reasonError : null}
      />
      <fieldset>
        {FRAUD_ACTIONS.map((action) => (
          <CheckboxField
            key={action}
            label={t(`fraud.case.actions.${action}`)}
            checked={actions.includes(action)}
            onChecked={(on) =>
              setActions((prev) => (on ? [...prev, action] : prev.filter((a) => a !== action)))
            }
          />
        ))}
      </fieldset>
      {decide.status === 'failed' && <ErrorNotice error={decide.error} />}
      <div className="button-row">
        <Button
          type="submit"
          variant="danger"
          busy={decide.busy}
          busyLabel={t('fraud.case.deciding')}
          disabled={actions.length === 0}
        >
          {t('fraud.case.confirm')}
        </Button>
        <Button
          type="button"
          variant="secondary"
          onClick={() => submit('dismissed')()}
          disabled={decide.busy}
        >
          {t('fraud.case.dismiss')}
        </Button>
      </div>
    </form>
  );
}

function Effects({ fraudCase }: { fraudCase: FraudCase }) {
  const { t } = useLanguage();
  const format = useFormat();
  const unknown = t('fraud.unknownParty');
  const { freezes, clawbacks, grantClawbacks } = fraudCase.effects;
  const nothing = freezes.length + clawbacks.length + grantClawbacks.length === 0;
  return (
    <section className="card fraud-effects" aria-labelledby="fraud-effects-title">
      <h2 id="fraud-effects-title">{t('fraud.case.effects')}</h2>
      {fraudCase.decidedAt && (
        <p>
          {t('fraud.case.decidedBy', {
            who: nameOf(fraudCase.names, fraudCase.decidedBy, unknown),
            at: format.dateTime(fraudCase.decidedAt),
            reason: fraudCase.decisionReason ?? '',
          })}
        </p>
      )}
      {nothing ? (
        <p className="muted">{t('fraud.case.noEffects')}</p>
      ) : (
        <ul>
          {freezes.map((f) => (
            <li key={f.freezeId}>
              {t('fraud.case.freezeLine', {
                kind: t(`fraud.freezes.kind.${f.kind}`),
                name: nameOf(fraudCase.names, f.partyId, unknown),
                status: t(`fraud.freezes.status.${f.status}`),
              })}
            </li>
          ))}
          {clawbacks.map((c) => (
            <li key={`cb-${c.paymentId}`}>
              {t('fraud.case.clawbackLine', {
                name: nameOf(fraudCase.names, c.memberId, unknown),
                owed: format.won(c.owedWon),
                clawed: format.won(c.clawedWon),
                receivable: format.won(c.receivableWon),
              })}
            </li>
          ))}
          {grantClawbacks.map((g) => (
            <li key={`gc-${g.paymentId}-${g.programId}`}>
              {t('fraud.case.grantClawbackLine', {
                name: nameOf(fraudCase.names, g.merchantId, unknown),
                owed: format.won(g.owedWon),
                clawed: format.won(g.clawedWon),
                receivable: format.won(g.receivableWon),
              })}
            </li>
          ))}
        </ul>
      )}
      {freezes.some((f) => f.status === 'active') && (
        <Link to="/operator/fraud/freezes">{t('fraud.freezes.title')}</Link>
      )}
    </section>
  );
}

/** One case: the evidence (with the cycle drawn), notes and assignee, the decision and its effects. */
export function FraudCasePage() {
  const { t } = useLanguage();
  const format = useFormat();
  const { me } = useSession();
  const { caseId = '' } = useParams();
  const [decided, setDecided] = useState(false);
  const state = useApi(`fraud-case-${caseId}`, (signal) =>
    call(api.GET('/v1/operator/fraud/cases/{caseId}', { signal, params: { path: { caseId } } })),
  );
  const canAct = me?.operatorRoles.includes('policy_admin') ?? false;
  return (
    <Page
      title={t('fraud.case.title')}
      wide
      actions={<Link to="/operator/fraud">{t('fraud.case.back')}</Link>}
    >
      {decided && <Notice tone="success">{t('fraud.case.decided')}</Notice>}
      <Loaded state={state}>
        {(fraudCase) => (
          <>
            <p>
              <Badge
                tone={
                  fraudCase.status === 'confirmed' ? 'bad' : fraudCase.status === 'open' ? 'warn' : 'neutral'
                }
              >
                {t(`fraud.caseStatus.${fraudCase.status}`)}
              </Badge>{' '}
              {t('fraud.case.openedBy', {
                who: nameOf(fraudCase.names, fraudCase.createdBy, t('fraud.unknownParty')),
                at: format.dateTime(fraudCase.createdAt),
              })}
            </p>
            {fraudCase.evidence.map(
              (alert) =>
                alert.evidence.cycle &&
                alert.evidence.cycle.length > 0 && (
                  <section key={alert.alertId} className="card" aria-label={t('fraud.case.cycle')}>
                    <h2>{t('fraud.case.cycle')}</h2>
                    <CycleGraph cycle={alert.evidence.cycle} names={fraudCase.names} />
                  </section>
                ),
            )}
            <div className="master-detail">
              <div className="master">
                <Evidence fraudCase={fraudCase} />
              </div>
              <div className="detail">
                {fraudCase.status === 'open' && canAct && (
                  <Decision
                    fraudCase={fraudCase}
                    onDecided={() => {
                      setDecided(true);
                      state.reload();
                    }}
                  />
                )}
                {fraudCase.status !== 'open' && <Effects fraudCase={fraudCase} />}
                <Notes fraudCase={fraudCase} onSaved={state.reload} />
              </div>
            </div>
          </>
        )}
      </Loaded>
    </Page>
  );
}
