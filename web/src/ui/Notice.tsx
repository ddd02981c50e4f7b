import type { ReactNode } from 'react';
import { type ApiError, CLIENT_ERROR_CODES } from '../api/problem.js';
import { useLanguage } from '../i18n/i18n.js';
import { Button } from './Button.js';

type Tone = 'error' | 'success' | 'info' | 'warning';

interface NoticeProps {
  tone: Tone;
  title?: ReactNode;
  children?: ReactNode;
  action?: ReactNode;
}

/** Errors interrupt (role=alert); everything else is announced politely (role=status). */
export function Notice({ tone, title, children, action }: NoticeProps) {
  return (
    <div className={`notice notice-${tone}`} role={tone === 'error' ? 'alert' : 'status'}>
      {title && <p className="notice-title">{title}</p>}
      {children && <div className="notice-body">{children}</div>}
      {action && <div className="notice-action">{action}</div>}
    </div>
  );
}

/** What a person reads for an API error: the server's sentence in their language, never the raw body. */
export function useErrorText() {
  const { t, language } = useLanguage();
  return (error: ApiError): string => {
    const fromServer = error.messageIn(language);
    if (fromServer) return fromServer;
    if (error.code === CLIENT_ERROR_CODES.network) return t('errors.NETWORK_ERROR');
    if (error.code === CLIENT_ERROR_CODES.unreadable) return t('errors.UNREADABLE_RESPONSE');
    return t('errors.unknown');
  };
}

const TITLED_CODES = [
  'INVALID_CREDENTIALS',
  'INSUFFICIENT_FUNDS',
  'PAYMENT_PIN_INCORRECT',
  'PAYMENT_PIN_LOCKED',
  'PAYMENT_PIN_REQUIRED',
  'MERCHANT_NOT_FOUND',
  'MONTHLY_CHARGE_CAP_EXCEEDED',
  'HOLDING_CAP_EXCEEDED',
  'BANK_DECLINED',
  'AUTO_CHARGE_FAILED',
  'RECIPIENT_NOT_FOUND',
  'PHONE_ALREADY_REGISTERED',
  'RATE_LIMITED',
  'UNAUTHENTICATED',
  'NETWORK_ERROR',
] as const;
const TITLED_STATUSES = [400, 401, 403, 404, 409, 422, 429] as const;

/** An error's title says what happened ("비밀번호가 맞지 않습니다"), by its code, else by its status. */
export function useErrorTitle() {
  const { t } = useLanguage();
  return (error: ApiError): string => {
    const code = TITLED_CODES.find((known) => known === error.code);
    if (code) return t(`trust.errorTitles.${code}`);
    const status = TITLED_STATUSES.find((known) => known === error.status);
    if (status) return t(`trust.errorTitles.byStatus.status${status}`);
    return error.status >= 500 ? t('trust.errorTitles.byStatus.server') : t('errors.title');
  };
}

interface ErrorNoticeProps {
  error: ApiError;
  onRetry?: () => void;
}

export function ErrorNotice({ error, onRetry }: ErrorNoticeProps) {
  const { t } = useLanguage();
  const errorText = useErrorText();
  const errorTitle = useErrorTitle();
  return (
    <Notice
      tone="error"
      title={errorTitle(error)}
      action={
        onRetry && (
          <Button variant="secondary" onClick={onRetry}>
            {t('app.retry')}
          </Button>
        )
      }
    >
      <p>{errorText(error)}</p>
      {error.outcomeUnknown && <p>{t('errors.outcomeUnknown')}</p>}
    </Notice>
  );
}
