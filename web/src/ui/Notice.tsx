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

interface ErrorNoticeProps {
  error: ApiError;
  onRetry?: () => void;
}

export function ErrorNotice({ error, onRetry }: ErrorNoticeProps) {
  const { t } = useLanguage();
  const errorText = useErrorText();
  return (
    <Notice
      tone="error"
      title={t('errors.title')}
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
