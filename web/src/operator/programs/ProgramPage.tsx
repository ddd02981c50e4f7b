import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, call } from '../../api/client.js';
import type { Program } from '../../api/types.js';
import { useApi } from '../../api/use-api.js';
import { useSubmit } from '../../api/use-submit.js';
import { useLanguage } from '../../i18n/i18n.js';
import { Button } from '../../ui/Button.js';
import { ConfirmSheet } from '../../ui/ConfirmSheet.js';
import { useFormat } from '../../ui/format-hooks.js';
import { Loaded } from '../../ui/Loaded.js';
import { ErrorNotice, Notice } from '../../ui/Notice.js';
import { Badge, DataName, Page } from '../../ui/Page.js';
import { ProgressBar } from '../../ui/ProgressBar.js';
import { ProgramReport } from './ProgramReport.js';
import { PHASE_TONE } from './ProgramsPage.js';
import { RecipientImport } from './RecipientImport.js';
import { RecipientList } from './RecipientList.js';

/** A running disbursement is polled at this pace: progress moves without flooding the server. */
const DISBURSEMENT_POLL_MS = 1_000;

function Overview({ program }: { program: Program }) {
  const { t } = useLanguage();
  const format = useFormat();
  return (
    <section className="card" aria-labelledby="overview-title">
      <h2 id="overview-title">{t('operator.programs.overview')}</h2>
      <p className="badges">
        <Badge tone={PHASE_TONE[program.phase]}>{t(`operator.programs.phases.${program.phase}`)}</Badge>
      </p>
      <p>
        {t('operator.programs.budget')} {format.wonCompact(program.budgetWon)} ·{' '}
        {t('operator.programs.funding', {
          national: format.wonCompact(program.funding.nationalWon),
          city: format.wonCompact(program.funding.cityWon),
        })}
      </p>
      <p>{t('operator.programs.pool', { amount: format.wonCompact(program.poolWon) })}</p>
      <p className="muted">
        {t('operator.programs.usable', {
          from: format.date(program.usableFrom),
          to: format.lastDay(program.expiresAt),
        })}
      </p>
    </section>
  );
}

/** Paying every recipient runs on the server; this shows its progress until it finishes. */
function Disbursement({ program, onChanged }: { program: Program; onChanged: () => void }) {
  const { t } = useLanguage();
  const format = useFormat();
  const disburse = useSubmit(() =>
    call(
      api.POST('/v1/operator/programs/{programId}/disbursements', {
        params: { path: { programId: program.id } },
      }),
    ),
  );
  const { disbursement } = program;
  const [confirming, setConfirming] = useState(false);
  const running = disbursement.status === 'running';
  const canStart = disbursement.remainingCount > 0 && !running && program.phase !== 'expired';
  return (
    <section className="card" aria-labelledby="disbursement-title">
      <h2 id="disbursement-title">{t('operator.programs.disbursement')}</h2>
      <ProgressBar
        kind="task"
        label={t(`operator.programs.disbursementStatus.${disbursement.status}`)}
        value={disbursement.disbursedCount}
        max={Math.max(disbursement.totalCount, 1)}
        valueText={t('operator.programs.progress', {
          done: format.number(disbursement.disbursedCount),
          total: format.number(disbursement.totalCount),
          won: format.wonCompact(disbursement.disbursedWon),
          totalWon: format.wonCompact(disbursement.totalWon),
        })}
      />
      {disbursement.lastError && (
        <Notice tone="warning">{t('operator.programs.lastError', { error: disbursement.lastError })}</Notice>
      )}
      {disburse.status === 'failed' && !confirming && <ErrorNotice error={disburse.error} />}
      {canStart && (
        <Button
          onClick={() => {
            disburse.reset();
            setConfirming(true);
          }}
          busy={disburse.busy}
          busyLabel={t('operator.programs.disbursing')}
        >
          {t('operator.programs.disburse')}
        </Button>
      )}
      {confirming && (
        <ConfirmSheet
          title={t('trust.confirm.disburse.title')}
          lines={[
            { label: t('trust.confirm.disburse.program'), value: program.name },
            {
              label: t('trust.confirm.disburse.recipients'),
              value: t('trust.confirm.disburse.count', { count: disbursement.remainingCount }),
            },
            {
              label: t('trust.confirm.disburse.amount'),
              value: format.won(disbursement.remainingWon),
              emphasis: true,
            },
          ]}
          note={<p>{t('trust.confirm.disburse.what')}</p>}
          confirmLabel={t('trust.confirm.disburse.submit', { count: disbursement.remainingCount })}
          busy={disburse.busy}
          error={disburse.status === 'failed' ? disburse.error : null}
          onConfirm={async () => {
            if (await disburse.submit(undefined)) {
              setConfirming(false);
              onChanged();
            }
          }}
          onCancel={() => setConfirming(false)}
        />
      )}
    </section>
  );
}

export function ProgramPage() {
  const { t } = useLanguage();
  const { programId = '' } = useParams();
  const program = useApi(`program-${programId}`, (signal) =>
    call(api.GET('/v1/operator/programs/{programId}', { signal, params: { path: { programId } } })),
  );
  const running = program.data?.disbursement.status === 'running';
  const { reload } = program;

  useEffect(() => {
    if (!running) return;
    const timer = window.setInterval(reload, DISBURSEMENT_POLL_MS);
    return () => window.clearInterval(timer);
  }, [running, reload]);

  return (
    <Page
      title={program.data ? <DataName>{program.data.name}</DataName> : t('operator.programs.title')}
      wide
      actions={
        <Link to="/operator/programs" className="button button-ghost">
          {t('operator.programs.back')}
        </Link>
      }
    >
      <Loaded state={program}>
        {(data) => (
          <>
            <Overview program={data} />
            <Disbursement program={data} onChanged={reload} />
            <RecipientImport program={data} onImported={reload} />
            <RecipientList
              programId={data.id}
              version={data.disbursement.totalCount + data.disbursement.disbursedCount}
            />
            <ProgramReport programId={data.id} version={data.disbursement.disbursedWon} />
          </>
        )}
      </Loaded>
    </Page>
  );
}
