import { type FormEvent, useState } from 'react';
import { api, call } from '../api/client.js';
import type { AutoCharge } from '../api/types.js';
import { useApi } from '../api/use-api.js';
import { useSubmit } from '../api/use-submit.js';
import { parseWon } from '../i18n/format.js';
import { useLanguage } from '../i18n/i18n.js';
import { AmountField } from '../ui/AmountField.js';
import { Button } from '../ui/Button.js';
import { CheckboxField } from '../ui/Field.js';
import { useFormat } from '../ui/format-hooks.js';
import { Loaded } from '../ui/Loaded.js';
import { ErrorNotice, Notice } from '../ui/Notice.js';
import { Page } from '../ui/Page.js';

function AutoChargeForm({ setting, onSaved }: { setting: AutoCharge; onSaved: (saved: AutoCharge) => void }) {
  const { t } = useLanguage();
  const format = useFormat();
  const [enabled, setEnabled] = useState(setting.enabled);
  const [amountText, setAmountText] = useState(String(setting.amountWon || setting.unitWon));
  const [showErrors, setShowErrors] = useState(false);
  const save = useSubmit((body: { enabled: boolean; amountWon: number }) =>
    call(api.PUT('/v1/me/auto-charge', { body })),
  );
  const amountWon = parseWon(amountText);
  const unit = format.won(setting.unitWon);
  const amountError =
    amountWon === null || amountWon < 1
      ? t('validation.amount')
      : amountWon % setting.unitWon !== 0
        ? t('wallet.autoCharge.notMultiple', { unit })
        : null;

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setShowErrors(true);
    if (amountError || amountWon === null) return;
    const saved = await save.submit({ enabled, amountWon });
    if (saved) onSaved(saved);
  };

  return (
    <form className="card form" onSubmit={onSubmit} noValidate>
      <CheckboxField label={t('wallet.autoCharge.enabled')} checked={enabled} onChecked={setEnabled} />
      <AmountField
        label={t('wallet.autoCharge.amount')}
        hint={t('wallet.autoCharge.unit', { unit })}
        value={amountText}
        onValue={setAmountText}
        error={showErrors ? amountError : null}
        quickAmountsWon={[setting.unitWon * 5, setting.unitWon * 10]}
      />
      {save.status === 'failed' && <ErrorNotice error={save.error} />}
      {save.status === 'succeeded' && (
        <Notice tone="success">
          {save.result.enabled
            ? t('wallet.autoCharge.savedOn', { amount: format.won(save.result.amountWon) })
            : t('wallet.autoCharge.savedOff')}
        </Notice>
      )}
      <Button type="submit" wide busy={save.busy} busyLabel={t('wallet.autoCharge.saving')}>
        {t('wallet.autoCharge.save')}
      </Button>
    </form>
  );
}

/** Auto-charge: when a payment is short, charge a set amount first (within the monthly cap). */
export function AutoChargePage() {
  const { t } = useLanguage();
  const format = useFormat();
  const setting = useApi('auto-charge', (signal) => call(api.GET('/v1/me/auto-charge', { signal })));
  return (
    <Page title={t('wallet.autoCharge.title')} intro={t('wallet.autoCharge.intro')}>
      <Loaded state={setting}>
        {(current) => (
          <>
            <p>
              {t('wallet.autoCharge.current', {
                state: current.enabled
                  ? t('wallet.autoCharge.on', { amount: format.won(current.amountWon) })
                  : t('wallet.autoCharge.off'),
              })}
            </p>
            <AutoChargeForm setting={current} onSaved={setting.reload} />
          </>
        )}
      </Loaded>
    </Page>
  );
}
