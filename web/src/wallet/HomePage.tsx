import { Link } from 'react-router';
import { api, call } from '../api/client.js';
import type { Wallet } from '../api/types.js';
import { useApi } from '../api/use-api.js';
import { useLanguage } from '../i18n/i18n.js';
import { EmptyState } from '../ui/EmptyState.js';
import { useFormat } from '../ui/format-hooks.js';
import { Icon } from '../ui/Icon.js';
import { Loaded } from '../ui/Loaded.js';
import { Page } from '../ui/Page.js';
import { ProgressBar } from '../ui/ProgressBar.js';
import { isKnownType, shownAmountWon } from './activity.js';

function BalanceCard({ wallet }: { wallet: Wallet }) {
  const { t } = useLanguage();
  const format = useFormat();
  return (
    <section className="card balance-card" aria-labelledby="balance-total">
      <p id="balance-total" className="balance-label">
        {t('wallet.home.total')}
      </p>
      <p className="balance-total">{format.won(wallet.totalWon)}</p>
      <h2 className="visually-hidden">{t('wallet.home.parts')}</h2>
      <dl className="balance-parts">
        <div>
          <dt>{t('wallet.home.cash')}</dt>
          <dd>{format.won(wallet.cashWon)}</dd>
        </div>
        <div>
          <dt>{t('wallet.home.cashback')}</dt>
          <dd>{format.won(wallet.cashbackWon)}</dd>
        </div>
        {wallet.grants.map((grant) => (
          <div key={grant.accountId}>
            <dt>
              {t('wallet.home.grant')}
              <span className="muted">
                {' · '}
                {grant.expiresAt
                  ? t('wallet.home.grantExpires', { date: format.lastDay(grant.expiresAt) })
                  : t('wallet.home.grantNoExpiry')}
              </span>
            </dt>
            <dd>{format.won(grant.amountWon)}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

const SHORTCUTS = [
  { to: '/wallet/charge', icon: 'charge', label: 'charge' },
  { to: '/wallet/pay', icon: 'pay', label: 'pay' },
  { to: '/wallet/code', icon: 'code', label: 'code' },
  { to: '/wallet/transfers', icon: 'send', label: 'transfers' },
  { to: '/wallet/auto-charge', icon: 'repeat', label: 'autoCharge' },
  { to: '/wallet/refund', icon: 'refund', label: 'refund' },
  { to: '/wallet/programs', icon: 'grant', label: 'programs' },
  { to: '/wallet/giving', icon: 'grant', label: 'giving' },
  { to: '/merchant/apply', icon: 'store', label: 'apply' },
] as const;

function Shortcuts() {
  const { t } = useLanguage();
  return (
    <nav className="shortcuts" aria-label={t('wallet.home.actions')}>
      {SHORTCUTS.map((shortcut) => (
        <Link key={shortcut.to} to={shortcut.to} className="shortcut">
          <Icon name={shortcut.icon} />
          {t(`wallet.nav.${shortcut.label}`)}
        </Link>
      ))}
    </nav>
  );
}

function MonthCard({ month }: { month: Wallet['month'] }) {
  const { t } = useLanguage();
  const format = useFormat();
  return (
    <section className="card" aria-labelledby="month-title">
      <h2 id="month-title">{t('wallet.home.thisMonth', { month: format.month(month.month) })}</h2>
      <ProgressBar
        label={t('wallet.home.chargeProgress')}
        value={month.chargedWon}
        max={month.chargeCapWon}
        valueText={t('wallet.home.chargeProgressValue', {
          used: format.won(month.chargedWon),
          cap: format.won(month.chargeCapWon),
        })}
      />
      <ProgressBar
        label={t('wallet.home.spendProgress')}
        value={month.eligibleSpendWon}
        max={month.eligibleCapWon}
        valueText={t('wallet.home.spendProgressValue', {
          used: format.won(month.eligibleSpendWon),
          cap: format.won(month.eligibleCapWon),
        })}
      />
      <p className="month-cashback">
        <span>{t('wallet.home.cashbackThisMonth')}</span>
        <strong>{format.won(month.cashbackWon)}</strong>
      </p>
    </section>
  );
}

const RECENT_COUNT = 3;

/** The last few movements on the home screen, each as the history shows it; what to do when there are none. */
function RecentActivity() {
  const { t } = useLanguage();
  const format = useFormat();
  const recent = useApi('recent-activity', (signal) =>
    call(api.GET('/v1/me/transactions', { signal, params: { query: { limit: RECENT_COUNT } } })),
  );
  return (
    <section className="card" aria-labelledby="recent-title">
      <h2 id="recent-title">{t('trust.history.recent')}</h2>
      <Loaded
        state={recent}
        isEmpty={(data) => data.items.length === 0}
        empty={
          <EmptyState
            title={t('trust.history.emptyTitle')}
            next={t('trust.history.emptyAction')}
            action={{ to: '/wallet/charge', label: t('wallet.charge.title') }}
          />
        }
      >
        {(data) => (
          <ul className="activity-list">
            {data.items.map((activity) => (
              <li key={activity.seq} className="activity">
                <div className="activity-main">
                  <div>
                    <p className="activity-title">
                      {t(`trust.history.types.${isKnownType(activity.type) ? activity.type : 'other'}`)}
                    </p>
                    <p className="muted">{format.dateTime(activity.at)}</p>
                  </div>
                  <p className={`activity-amount${shownAmountWon(activity) > 0 ? ' credit' : ''}`}>
                    {format.wonChange(shownAmountWon(activity))}
                  </p>
                </div>
              </li>
            ))}
          </ul>
        )}
      </Loaded>
      <Link className="tap-link" to="/wallet/history">
        {t('trust.history.seeAll')}
      </Link>
    </section>
  );
}

export function HomePage() {
  const { t } = useLanguage();
  const wallet = useApi('wallet', (signal) => call(api.GET('/v1/me/wallet', { signal })));
  return (
    <Page title={t('wallet.home.title')}>
      <Loaded state={wallet}>
        {(data) => (
          <>
            <BalanceCard wallet={data} />
            <Shortcuts />
            <RecentActivity />
            <MonthCard month={data.month} />
          </>
        )}
      </Loaded>
    </Page>
  );
}
