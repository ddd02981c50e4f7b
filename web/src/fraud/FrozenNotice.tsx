import type { ReactNode } from 'react';
import { api, call } from '../api/client.js';
import { useApi } from '../api/use-api.js';
import { useLanguage } from '../i18n/i18n.js';
import { useFormat } from '../ui/format-hooks.js';
import { Notice } from '../ui/Notice.js';
import { DataName } from '../ui/Page.js';

/**
 * Tells a frozen member or merchant owner, on every screen of their app, why they are frozen and how
 * to appeal — before a payment is refused, not only after.
 */
export function FrozenNotice({ before }: { before?: ReactNode } = {}) {
  const { t, language } = useLanguage();
  const format = useFormat();
  const freezes = useApi('my-freezes', (signal) => call(api.GET('/v1/me/freezes', { signal })));
  const items = freezes.data?.items ?? [];
  if (items.length === 0) return <>{before}</>;
  return (
    <>
      {before}
      <div className="frozen-notices">
        {items.map((freeze) => (
          <Notice
            key={freeze.freezeId}
            tone="error"
            title={
              freeze.partyName ? (
                <>
                  {t('fraud.frozen.title')} ·{' '}
                  <DataName>{t('fraud.frozen.shop', { name: freeze.partyName })}</DataName>
                </>
              ) : (
                t('fraud.frozen.title')
              )
            }
          >
            <p>{language === 'en' ? freeze.message.en : freeze.message.ko}</p>
            <p>
              {t('fraud.freezes.since', { at: format.dateTime(freeze.since) })} ·{' '}
              {t('fraud.frozen.appeal', { caseId: freeze.caseId })}
            </p>
          </Notice>
        ))}
      </div>
    </>
  );
}
