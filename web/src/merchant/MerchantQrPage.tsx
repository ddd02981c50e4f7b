import { api, call } from '../api/client.js';
import { useApi } from '../api/use-api.js';
import { useCityName } from '../branding/branding.js';
import { useLanguage } from '../i18n/i18n.js';
import { Button } from '../ui/Button.js';
import { Loaded } from '../ui/Loaded.js';
import { Notice } from '../ui/Notice.js';
import { DataName, Page } from '../ui/Page.js';
import { QrCode } from '../ui/QrCode.js';
import { merchantPayLink } from '../wallet/merchant-link.js';

/** The sign at the till: a QR code that opens the payment form for this shop, printable on its own. */
export function MerchantQrPage() {
  const { t } = useLanguage();
  const city = useCityName();
  const profile = useApi('merchant-profile', (signal) => call(api.GET('/v1/merchant/profile', { signal })));
  return (
    <Page
      title={t('merchant.qr.title')}
      intro={t('merchant.qr.intro')}
      actions={
        <Button variant="secondary" onClick={() => window.print()}>
          {t('app.print')}
        </Button>
      }
    >
      <Loaded state={profile}>
        {(merchant) =>
          merchant.merchantCode ? (
            <section className="card qr-sign printable">
              <p className="qr-sign-brand">{t('app.brand')}</p>
              <h2 className="qr-sign-name">
                <DataName>{merchant.name}</DataName>
              </h2>
              <QrCode
                text={merchantPayLink(window.location.origin, merchant.merchantCode)}
                label={t('merchant.qr.qrLabel', { name: merchant.name })}
                sizePx={280}
              />
              <p className="qr-sign-code">
                {t('merchant.qr.code')} <strong className="mono">{merchant.merchantCode}</strong>
              </p>
              <p className="muted">{t('merchant.qr.scanToPay', { city })}</p>
            </section>
          ) : (
            <Notice tone="info">{t('merchant.qr.notApproved')}</Notice>
          )
        }
      </Loaded>
    </Page>
  );
}
