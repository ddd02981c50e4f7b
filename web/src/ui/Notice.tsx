import type { ReactNode } from 'react';
import { type ApiError, CLIENT_ERROR_CODES } from '../api/problem.js';
import { useLanguage } from '../i18n/i18n.js';
import { Button } from './Button.js';
import { errorTitleKey } from './error-title.js';

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

/**
 * What a person reads for an API error: the server's sentence in their language, never the raw body.
 * A schema refusal of fields the form marks itself (`fields`) reads as "check the marked fields".
 */
export function useErrorText() {
  const { t, language } = useLanguage();
  return (error: ApiError, fields: readonly string[] = []): string => {
    const refused = error.invalidFields;
    if (refused.length > 0 && refused.every((field) => fields.includes(field)))
      return t('validation.formHasErrors');
    const fromServer = error.messageIn(language);
    if (fromServer) return fromServer;
    if (error.code === CLIENT_ERROR_CODES.network) return t('errors.NETWORK_ERROR');
    if (error.code === CLIENT_ERROR_CODES.unreadable) return t('errors.UNREADABLE_RESPONSE');
    return t('errors.unknown');
  };
}

/** An error's title says what happened ("비밀번호가 맞지 않습니다", "재고가 부족합니다"), by its code, else by its status. */
export function useErrorTitle() {
  const { t } = useLanguage();
  return (error: ApiError): string => t(errorTitleKey(error.code, error.status));
}

interface ErrorNoticeProps {
  error: ApiError;
  onRetry?: () => void;
  /** The fields the form marks with their own message (see useFieldErrors). */
  fields?: readonly string[];
}

export function ErrorNotice({ error, onRetry, fields }: ErrorNoticeProps) {
  const { t } = useLanguage();
  const errorText = useErrorText();
  const errorTitle = useErrorTitle();
  const title = errorTitle(error);
  const text = errorText(error, fields);
  // A server sentence that only repeats the title ("잔액이 부족합니다" twice) is said once.
  const repeatsTitle = text.replace(/[.\s]+$/, '') === title;
  return (
    <Notice
      tone="error"
      title={title}
      action={
        onRetry && (
          <Button variant="secondary" onClick={onRetry}>
            {t('app.retry')}
          </Button>
        )
      }
    >
      {(!repeatsTitle || error.outcomeUnknown) && (
        <>
          {!repeatsTitle && <p>{text}</p>}
          {error.outcomeUnknown && <p>{t('errors.outcomeUnknown')}</p>}
        </>
      )}
    </Notice>
  );
}
