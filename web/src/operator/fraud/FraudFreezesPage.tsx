import { useState } from 'react';
import { Link } from 'react-router';
import { api, call } from '../../api/client.js';
import { useApi } from '../../api/use-api.js';
import { useSubmit } from '../../api/use-submit.js';
import { useSession } from '../../auth/session.js';
import { useLanguage } from '../../i18n/i18n.js';
import { Button } from '../../ui/Button.js';
import { TextField } from '../../ui/Field.js';
import { useFormat } from '../../ui/format-hooks.js';
import { Loaded } from '../../ui/Loaded.js';
import { ErrorNotice, Notice } from '../../ui/Notice.js';
import { Badge, DataName, Page } from '../../ui/Page.js';
import type { ListedFreeze } from './types.js';

function FreezeItem({ freeze, onReleased }: { freeze: ListedFreeze; onReleased: (name: string) => void }) {
  const { t } = useLanguage();
  const format = useFormat();
  const { me } = useSession();
  const [reason, setReason] = useState('');
  const release = useSubmit(() =>
    call(
      api.POST('/v1/operator/fraud/freezes/{freezeId}/release', {
        params: { path: { freezeId: freeze.freezeId } },
        body: reason.trim() ? { reason: reason.trim() } : {},
      }),
    ),
  );
  const name = freeze.partyName ?? t('fraud.unknownParty');
  const canAct = me?.operatorRoles.includes('policy_admin') ?? false;
  return (
    <li className="card fraud-freeze">
      <p>
        <Badge tone={freeze.status === 'active' ? 'bad' : 'neutral'}>
          {t(`fraud.freezes.status.${freeze.status}`)}
        </Badge>{' '}
        {t(`fraud.freezes.kind.${freeze.kind}`)}: <DataName>{name}</DataName> ·{' '}
        {t('fraud.freezes.since', { at: format.dateTime(freeze.createdAt) })}
      </p>
      <p>{freeze.reason}</p>
      <Link to={`/operator/fraud/cases/${freeze.caseId}`}>{t('fraud.cases.open')}</Link>
      {freeze.status === 'active' && canAct && (
        <form
          onSubmit={async (event) => {
            event.preventDefault();
            if (await release.submit(undefined)) onReleased(name);
          }}
          noValidate
        >
          <TextField
            label={t('fraud.freezes.releaseReason')}
            value={reason}
            onValue={setReason}
            maxLength={1000}
            optional
          />
          {release.status === 'failed' && <ErrorNotice error={release.error} />}
          <Button
            type="submit"
            variant="secondary"
            busy={release.busy}
            busyLabel={t('fraud.freezes.releasing')}
          >
            {t('fraud.freezes.release')}
          </Button>
        </form>
      )}
    </li>
  );
}

/** Freezes and settlement holds, with release. */
export function FraudFreezesPage() {
  const { t } = useLanguage();
  const [released, setReleased] = useState<string | null>(null);
  const freezes = useApi('fraud-freezes', (signal) =>
    call(api.GET('/v1/operator/fraud/freezes', { signal })),
  );
  return (
    <Page
      title={t('fraud.freezes.title')}
      wide
      actions={<Link to="/operator/fraud">{t('fraud.case.back')}</Link>}
    >
      {released && <Notice tone="success">{t('fraud.freezes.released', { name: released })}</Notice>}
      <Loaded state={freezes} isEmpty={(data) => data.items.length === 0} empty={t('fraud.freezes.empty')}>
        {(data) => (
          <ul className="fraud-freezes">
            {data.items.map((freeze) => (
              <FreezeItem
                key={freeze.freezeId}
                freeze={freeze}
                onReleased={(name) => {
                  setReleased(name);
                  freezes.reload();
                }}
              />
            ))}
          </ul>
        )}
      </Loaded>
    </Page>
  );
}
