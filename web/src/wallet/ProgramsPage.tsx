import { api, call } from '../api/client.js';
import type { MyProgram } from '../api/types.js';
import { useApi } from '../api/use-api.js';
import { useSubmit } from '../api/use-submit.js';
import { localName, useLanguage } from '../i18n/i18n.js';
import { byCode, useReference } from '../reference/use-reference.js';
import { Button } from '../ui/Button.js';
import { EmptyState } from '../ui/EmptyState.js';
import { useFormat } from '../ui/format-hooks.js';
import { Loaded } from '../ui/Loaded.js';
import { ErrorNotice, Notice } from '../ui/Notice.js';
import { Badge, DataName, Page } from '../ui/Page.js';

const STATUS_TONE = {
  eligible: 'info',
  awaiting_disbursement: 'warn',
  received: 'good',
  closed: 'neutral',
} as const;

function ProgramCard({ program, onApplied }: { program: MyProgram; onApplied: () => void }) {
  const { t, language } = useLanguage();
  const format = useFormat();
  const reference = useReference();
  const apply = useSubmit(() =>
    call(
      api.POST('/v1/me/programs/{programId}/application', {
        params: { path: { programId: program.programId } },
      }),
    ),
  );
  const names = <Item extends { code: string; nameKo: string; nameEn: string }>(
    items: Item[] | undefined,
    codes: string[],
  ) =>
    codes.length === 0
      ? t('wallet.programs.anywhere')
      : codes
          .map((code) => {
            const item = byCode(items, code);
            return item ? localName(item, language) : code;
          })
          .join(', ');
  return (
    <li className="card">
      <div className="application-head">
        <h2>
          <DataName>{program.name}</DataName>
        </h2>
        <Badge tone={STATUS_TONE[program.status]}>{t(`wallet.programs.status.${program.status}`)}</Badge>
      </div>
      <p>
        {t('wallet.programs.amount', { amount: format.won(program.amountWon) })}
        {program.status === 'received' &&
          ` · ${t('wallet.programs.balance', { amount: format.won(program.balanceWon) })}`}
      </p>
      <p className="muted">
        {t('wallet.programs.usable', {
          from: format.date(program.usableFrom),
          to: format.lastDay(program.expiresAt),
        })}
      </p>
      <dl className="details-grid">
        <dt>{t('wallet.programs.allowedIndustries')}</dt>
        <dd>{names(reference.data?.industries, program.allowedIndustries)}</dd>
        <dt>{t('wallet.programs.allowedDistricts')}</dt>
        <dd>{names(reference.data?.districts, program.allowedDistricts)}</dd>
      </dl>
      {apply.status === 'failed' && <ErrorNotice error={apply.error} />}
      {apply.status === 'succeeded' && (
        <Notice tone="success">{t('wallet.programs.applied', { name: program.name })}</Notice>
      )}
      {program.requiresApplication && program.status === 'eligible' && (
        <Button
          onClick={async () => {
            if (await apply.submit(undefined)) onApplied();
          }}
          busy={apply.busy}
          busyLabel={t('wallet.programs.applying')}
        >
          {t('wallet.programs.apply')}
        </Button>
      )}
    </li>
  );
}

/** The city's grants this member can apply for or has received, with what is left and where it can be spent. */
export function ProgramsPage() {
  const { t } = useLanguage();
  const programs = useApi('my-programs', (signal) => call(api.GET('/v1/me/programs', { signal })));
  return (
    <Page title={t('wallet.programs.title')} intro={t('wallet.programs.intro')}>
      <Loaded
        state={programs}
        isEmpty={(data) => data.items.length === 0}
        empty={
          <EmptyState
            title={t('trust.empty.programs')}
            next={t('trust.empty.programsNext')}
            action={{ to: '/wallet/charge', label: t('trust.empty.toCharge') }}
          />
        }
      >
        {(data) => (
          <ul className="application-list">
            {data.items.map((program) => (
              <ProgramCard key={program.programId} program={program} onApplied={programs.reload} />
            ))}
          </ul>
        )}
      </Loaded>
    </Page>
  );
}
