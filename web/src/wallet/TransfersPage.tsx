import { type FormEvent, useCallback, useRef, useState } from 'react';
import { api, call, pinHeader } from '../api/client.js';
import { IdempotencyKeys, sendIdempotent } from '../api/idempotency.js';
import type { ApiError } from '../api/problem.js';
import type { Transfer } from '../api/types.js';
import { useApi, useReloadOn } from '../api/use-api.js';
import { usePaged } from '../api/use-paged.js';
import { useSubmit } from '../api/use-submit.js';
import { isMobilePhone } from '../auth/validation.js';
import { parseWon } from '../i18n/format.js';
import { useLanguage } from '../i18n/i18n.js';
import { AmountField } from '../ui/AmountField.js';
import { Button } from '../ui/Button.js';
import { ConfirmSheet } from '../ui/ConfirmSheet.js';
import { EmptyState } from '../ui/EmptyState.js';
import { TextField } from '../ui/Field.js';
import { useFormat } from '../ui/format-hooks.js';
import { ErrorNotice, Notice } from '../ui/Notice.js';
import { Badge, DataName, Page } from '../ui/Page.js';
import { PagedList } from '../ui/PagedList.js';
import { ShortBalance } from './ShortBalance.js';
import { useRuleValues } from './use-rule-values.js';

const HOURS_PER_DAY = 24;
const PAGE_SIZE = 20;
const MESSAGE_LENGTH_MAX = 100;
const STATUS_TONE = {
  pending: 'info',
  accepted: 'good',
  declined: 'bad',
  cancelled: 'neutral',
  expired: 'warn',
} as const;

interface Sending {
  recipientPhone: string;
  amountWon: number;
  message: string;
}

interface Confirming {
  sending: Sending;
  recipient: { nameMasked: string; phoneMasked: string };
}

/**
 * `resolved` counts the transfers accepted, declined or cancelled on this screen: each one moves
 * charged money, so the sendable amount is read again and a "sent" notice it may have undone goes.
 */
function SendForm({ onSent, resolved }: { onSent: () => void; resolved: number }) {
  const { t } = useLanguage();
  const format = useFormat();
  const [phone, setPhone] = useState('');
  const [amountText, setAmountText] = useState('');
  const [message, setMessage] = useState('');
  const [showErrors, setShowErrors] = useState(false);
  const keys = useRef(new IdempotencyKeys());
  const wallet = useApi('wallet', (signal) => call(api.GET('/v1/me/wallet', { signal })));
  const [confirming, setConfirming] = useState<Confirming | null>(null);
  const [lookupError, setLookupError] = useState<ApiError | null>(null);
  const send = useSubmit(({ sending, pin }: { sending: Sending; pin: string | null }) =>
    sendIdempotent(keys.current, sending, (idempotencyKey) =>
      call(
        api.POST('/v1/me/transfers', {
          body: sending,
          params: {
            header: { 'idempotency-key': idempotencyKey, ...pinHeader(pin) },
          },
        }),
      ),
    ),
  );
  const reloadWallet = wallet.reload;
  const resetSend = send.reset;
  const onResolved = useCallback(() => {
    reloadWallet();
    resetSend();
  }, [reloadWallet, resetSend]);
  useReloadOn(resolved, onResolved);
  const cashWon = wallet.data?.cashWon ?? null;
  const amountWon = parseWon(amountText);
  const errors = {
    phone: isMobilePhone(phone) ? null : t('validation.phone'),
    amount:
      amountWon === null || amountWon < 1
        ? t('validation.amount')
        : cashWon !== null && amountWon > cashWon
          ? t('validation.amountMax', { max: format.won(cashWon) })
          : null,
  };

  const shortWon = amountWon !== null && cashWon !== null ? Math.max(0, amountWon - cashWon) : 0;

  const openConfirm = async (sendWon: number) => {
    send.reset();
    setLookupError(null);
    // Who the money goes to is shown before it is sent, not after.
    const sending = { recipientPhone: phone.trim(), amountWon: sendWon, message: message.trim() };
    try {
      const recipient = await call(
        api.GET('/v1/me/transfer-recipient', { params: { query: { phone: sending.recipientPhone } } }),
      );
      setConfirming({ sending, recipient });
    } catch (error) {
      setLookupError(error as ApiError);
    }
  };

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setShowErrors(true);
    if (errors.phone || errors.amount || amountWon === null) return;
    await openConfirm(amountWon);
  };

  // The shortfall was charged in place: with a valid phone the transfer carries on to its confirm step.
  const onCharged = () => {
    wallet.reload();
    if (amountWon !== null && !errors.phone) void openConfirm(amountWon);
  };

  const onConfirm = async (pin: string | null) => {
    if (!confirming) return;
    const sent = await send.submit({ sending: confirming.sending, pin });
    if (sent) {
      setConfirming(null);
      setAmountText('');
      setMessage('');
      setShowErrors(false);
      wallet.reload();
      onSent();
    }
  };

  return (
    <form className="card form" onSubmit={onSubmit} noValidate aria-labelledby="send-title">
      <h2 id="send-title">{t('wallet.transfers.send')}</h2>
      <TextField
        label={t('wallet.transfers.recipientPhone')}
        hint={t('auth.phoneHint')}
        value={phone}
        onValue={setPhone}
        type="tel"
        inputMode="tel"
        error={showErrors ? errors.phone : null}
      />
      <AmountField
        label={t('wallet.transfers.amount')}
        value={amountText}
        onValue={setAmountText}
        error={showErrors ? errors.amount : null}
        hint={cashWon !== null ? t('wallet.transfers.sendable', { amount: format.won(cashWon) }) : undefined}
      />
      {shortWon > 0 && <ShortBalance shortWon={shortWon} wallet={wallet.data} onCharged={onCharged} />}
      <TextField
        label={t('wallet.transfers.message')}
        value={message}
        onValue={setMessage}
        maxLength={MESSAGE_LENGTH_MAX}
        optional
      />
      {lookupError && <ErrorNotice error={lookupError} />}
      {confirming && (
        <ConfirmSheet
          title={t('trust.confirm.transfer.title')}
          lines={[
            {
              label: t('trust.confirm.transfer.recipient'),
              value: (
                <DataName>{`${confirming.recipient.nameMasked} (${confirming.recipient.phoneMasked})`}</DataName>
              ),
            },
            {
              label: t('trust.confirm.transfer.amount'),
              value: format.won(confirming.sending.amountWon),
              emphasis: true,
            },
            { label: t('trust.confirm.transfer.from'), value: t('trust.confirm.transfer.fromCash') },
            ...(confirming.sending.message
              ? [
                  {
                    label: t('trust.confirm.transfer.message'),
                    value: <DataName>{confirming.sending.message}</DataName>,
                  },
                ]
              : []),
          ]}
          confirmLabel={t('trust.confirm.transfer.submit', {
            amount: format.won(confirming.sending.amountWon),
          })}
          busy={send.busy}
          error={send.status === 'failed' ? send.error : null}
          askPin
          onConfirm={onConfirm}
          onCancel={() => setConfirming(null)}
        />
      )}
      {send.status === 'succeeded' && (
        <Notice tone="success">
          {t('wallet.transfers.sent', {
            name: send.result.counterpartName,
            amount: format.won(send.result.amountWon),
          })}
        </Notice>
      )}
      <Button
        type="submit"
        wide
        className="thumb-action"
        busy={send.busy}
        busyLabel={t('wallet.transfers.submitting')}
      >
        {t('wallet.transfers.submit')}
      </Button>
    </form>
  );
}

type Resolution = 'accept' | 'decline' | 'cancel';

function TransferItem({ transfer, onChanged }: { transfer: Transfer; onChanged: () => void }) {
  const { t } = useLanguage();
  const format = useFormat();
  // A retry after an unknown outcome keeps its key: the server answers it with the first result.
  const keys = useRef(new IdempotencyKeys());
  const resolve = useSubmit((resolution: Resolution) =>
    sendIdempotent(keys.current, resolution, (idempotencyKey) => {
      const params = {
        path: { transferId: transfer.transferId },
        header: { 'idempotency-key': idempotencyKey },
      };
      if (resolution === 'accept') return call(api.POST('/v1/me/transfers/{transferId}/accept', { params }));
      if (resolution === 'decline')
        return call(api.POST('/v1/me/transfers/{transferId}/decline', { params }));
      return call(api.POST('/v1/me/transfers/{transferId}/cancel', { params }));
    }),
  );
  const act = async (resolution: Resolution) => {
    if (await resolve.submit(resolution)) onChanged();
  };
  const pending = transfer.status === 'pending';
  return (
    <li className="activity">
      <div className="activity-main">
        <div>
          <p className="activity-title">
            <DataName>{transfer.counterpartName}</DataName>
            <span className="muted mono">{transfer.counterpartPhoneMasked}</span>
          </p>
          <p className="muted">{format.dateTime(transfer.createdAt)}</p>
          {transfer.message && (
            <p>
              <DataName>“{transfer.message}”</DataName>
            </p>
          )}
        </div>
        <div className="sale-side">
          <p className={`activity-amount${transfer.direction === 'incoming' ? ' credit' : ''}`}>
            {format.wonChange(transfer.direction === 'incoming' ? transfer.amountWon : -transfer.amountWon)}
          </p>
        </div>
      </div>
      <p className="badges">
        <Badge tone={STATUS_TONE[transfer.status]}>{t(`wallet.transfers.status.${transfer.status}`)}</Badge>
        {pending && (
          <span className="muted small">
            {t('wallet.transfers.until', { date: format.dateTime(transfer.expiresAt) })}
          </span>
        )}
      </p>
      {resolve.status === 'failed' && <ErrorNotice error={resolve.error} />}
      {pending && (
        <div className="button-row">
          {transfer.direction === 'incoming' ? (
            <>
              <Button onClick={() => act('accept')} busy={resolve.busy}>
                {t('wallet.transfers.accept')}
              </Button>
              <Button variant="secondary" onClick={() => act('decline')} disabled={resolve.busy}>
                {t('wallet.transfers.decline')}
              </Button>
            </>
          ) : (
            <Button variant="secondary" onClick={() => act('cancel')} busy={resolve.busy}>
              {t('wallet.transfers.cancel')}
            </Button>
          )}
        </div>
      )}
    </li>
  );
}

function TransferList({
  direction,
  version,
  onChanged,
}: {
  direction: Transfer['direction'];
  version: number;
  onChanged: () => void;
}) {
  const { t } = useLanguage();
  const transfers = usePaged(direction, (cursor, signal) =>
    call(
      api.GET('/v1/me/transfers', {
        signal,
        params: { query: { direction, limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) } },
      }),
    ),
  );
  useReloadOn(version, transfers.reload);
  return (
    <section className="card" aria-labelledby={`${direction}-title`}>
      <h2 id={`${direction}-title`}>{t(`wallet.transfers.${direction}`)}</h2>
      <PagedList
        paged={transfers}
        empty={<EmptyState title={t(`trust.empty.${direction}`)} next={t(`trust.empty.${direction}Next`)} />}
      >
        {(items) => (
          <ul className="activity-list">
            {items.map((transfer) => (
              <TransferItem key={transfer.transferId} transfer={transfer} onChanged={onChanged} />
            ))}
          </ul>
        )}
      </PagedList>
    </section>
  );
}

/** Send charged money to another member; accept or decline what others sent; cancel what is not yet accepted. */
export function TransfersPage() {
  const { t } = useLanguage();
  const ruleValue = useRuleValues();
  const [version, setVersion] = useState(0);
  const [resolved, setResolved] = useState(0);
  const acceptHours = ruleValue('transfer_accept_window_hours');
  const sent = () => setVersion((current) => current + 1);
  const resolvedOne = () => {
    setVersion((current) => current + 1);
    setResolved((current) => current + 1);
  };
  return (
    <Page
      title={t('wallet.transfers.title')}
      intro={
        acceptHours
          ? t('wallet.transfers.intro', { days: Math.round(acceptHours / HOURS_PER_DAY) })
          : t('wallet.transfers.introDefault')
      }
    >
      <SendForm onSent={sent} resolved={resolved} />
      <TransferList direction="incoming" version={version} onChanged={resolvedOne} />
      <TransferList direction="outgoing" version={version} onChanged={resolvedOne} />
    </Page>
  );
}
