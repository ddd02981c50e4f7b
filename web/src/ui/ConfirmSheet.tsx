import { type FormEvent, type ReactNode, useEffect, useId, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import { api, call } from '../api/client.js';
import type { ApiError } from '../api/problem.js';
import { useApi } from '../api/use-api.js';
import { useLanguage } from '../i18n/i18n.js';
import { Button } from './Button.js';
import { TextField } from './Field.js';
import { useFormat } from './format-hooks.js';
import { ErrorNotice, Notice } from './Notice.js';

export interface ConfirmLine {
  label: string;
  value: ReactNode;
  /** The amount the person is agreeing to: shown larger. */
  emphasis?: boolean;
}

interface ConfirmSheetProps {
  title: string;
  lines: ConfirmLine[];
  note?: ReactNode;
  confirmLabel: string;
  busy: boolean;
  error: ApiError | null;
  /** Payments, transfers and refunds ask for the payment PIN, and create it the first time. */
  askPin?: boolean;
  onConfirm: (pin: string | null) => void;
  onCancel: () => void;
}

const PIN_PATTERN = /^\d{6}$/;

/**
 * The one confirm step of every money movement and operator action: what will happen, line by line,
 * before anything moves; then the payment PIN where money leaves a wallet. A modal dialog, so focus
 * stays in it and Escape cancels.
 */
export function ConfirmSheet({
  title,
  lines,
  note,
  confirmLabel,
  busy,
  error,
  askPin = false,
  onConfirm,
  onCancel,
}: ConfirmSheetProps) {
  const { t } = useLanguage();
  const format = useFormat();
  const titleId = useId();
  const dialog = useRef<HTMLDialogElement>(null);
  const pinStatus = useApi(askPin ? 'payment-pin' : null, (signal) =>
    call(api.GET('/v1/me/payment-pin', { signal })),
  );
  const [pin, setPin] = useState('');
  const [repeat, setRepeat] = useState('');
  const [showErrors, setShowErrors] = useState(false);
  const [settingPin, setSettingPin] = useState(false);

  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
    return () => element?.close();
  }, []);

  // A refused PIN: clear it and read the attempts left (or the lockout) again.
  const reloadPin = pinStatus.reload;
  useEffect(() => {
    if (!error?.code.startsWith('PAYMENT_PIN')) return;
    setPin('');
    setShowErrors(false);
    reloadPin();
  }, [error, reloadPin]);

  const creating = askPin && pinStatus.data?.isSet === false;
  const lockedUntil = pinStatus.data?.lockedUntil ?? null;
  const pinError = !askPin
    ? null
    : !PIN_PATTERN.test(pin)
      ? t('trust.confirm.pinInvalid')
      : creating && repeat !== pin
        ? t('trust.confirm.pinMismatch')
        : null;

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    // A sheet opened from inside a form (short balance on the pay form) must not submit that form too.
    event.stopPropagation();
    setShowErrors(true);
    if (pinError) return;
    if (creating) {
      setSettingPin(true);
      const created = await call(api.PUT('/v1/me/payment-pin', { body: { pin } })).then(
        () => true,
        () => false,
      );
      setSettingPin(false);
      pinStatus.reload();
      if (!created) return;
    }
    onConfirm(askPin ? pin : null);
  };

  // In <body>, not inside the form that opened it: a form may not contain another form.
  return createPortal(
    <dialog
      ref={dialog}
      className="confirm-sheet"
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        if (!busy) onCancel();
      }}
    >
      <form onSubmit={onSubmit} noValidate>
        <h2 id={titleId}>{title}</h2>
        <dl className="confirm-lines">
          {lines.map((line) => (
            <div key={line.label} className={line.emphasis ? 'confirm-emphasis' : undefined}>
              <dt>{line.label}</dt>
              <dd>{line.value}</dd>
            </div>
          ))}
        </dl>
        {note && <div className="confirm-note">{note}</div>}
        {askPin && lockedUntil && (
          <Notice tone="warning">
            {t('trust.confirm.pinLocked', { time: format.dateTime(lockedUntil) })}
          </Notice>
        )}
        {askPin && pinStatus.data && !lockedUntil && (
          <div className="pin-fields">
            {creating && <p>{t('trust.confirm.pinCreateIntro')}</p>}
            <TextField
              label={creating ? t('trust.confirm.pinCreate') : t('trust.confirm.pinLabel')}
              value={pin}
              onValue={(typed) => setPin(typed.replace(/\D/g, '').slice(0, 6))}
              type="password"
              inputMode="numeric"
              autoComplete={creating ? 'new-password' : 'one-time-code'}
              error={showErrors && !creating ? pinError : null}
              autoFocus
            />
            {creating && (
              <TextField
                label={t('trust.confirm.pinRepeat')}
                value={repeat}
                onValue={(typed) => setRepeat(typed.replace(/\D/g, '').slice(0, 6))}
                type="password"
                inputMode="numeric"
                autoComplete="new-password"
                error={showErrors ? pinError : null}
              />
            )}
          </div>
        )}
        {error && <ErrorNotice error={error} />}
        <div className="confirm-actions">
          <Button variant="secondary" onClick={onCancel} disabled={busy}>
            {t('trust.confirm.cancel')}
          </Button>
          <Button
            type="submit"
            busy={busy || settingPin}
            disabled={askPin && (!pinStatus.data || Boolean(lockedUntil))}
          >
            {confirmLabel}
          </Button>
        </div>
      </form>
    </dialog>,
    document.body,
  );
}
