import type { Clock } from '../../clock.js';
import { DomainError } from '../../errors.js';
import { SerialByKey } from '../../serial-by-key.js';
import { wonEn } from '../../won-text.js';
import type { MemberService } from '../members/member-service.js';
import { AUTO_CHARGE_ATTEMPTS_MAX, autoChargeAmountWon, type WalletService } from './wallet-service.js';

export interface AutoChargeReceipt {
  chargeId: string;
  amountWon: number;
  units: number;
}

/**
 * Charges whole auto-charge amounts to cover a payment's shortfall, as ONE bank withdrawal so that it
 * either all happens or none of it does. The key is derived from the payment's key, so a retried
 * payment continues a charge still in flight instead of making another (`WalletService.autoChargeTurn`).
 * Returns null when the member has auto-charge off.
 */
export async function coverShortfall(
  deps: { wallets: WalletService; members: MemberService },
  tenantId: string,
  memberId: string,
  shortfallWon: number,
  payment: { key: string; startedAt: Date },
): Promise<AutoChargeReceipt | null> {
  const setting = await deps.wallets.autoCharge(tenantId, memberId);
  if (!setting.enabled) return null;
  const turn = await deps.wallets.autoChargeTurn(tenantId, memberId, payment.key, payment.startedAt);
  const amountWon =
    turn.kind === 'continue' ? turn.amountWon : autoChargeAmountWon(shortfallWon, setting.amountWon);
  if (turn.kind === 'exhausted') {
    throw autoChargeFailed(
      'ATTEMPTS_EXHAUSTED',
      `this payment's key has made ${AUTO_CHARGE_ATTEMPTS_MAX} auto-charges already; pay with a new key`,
      `이 결제 요청으로 자동충전을 이미 ${AUTO_CHARGE_ATTEMPTS_MAX}번 했습니다. 새 요청으로 결제하세요`,
      amountWon,
    );
  }
  const bankAccount = await deps.members.bankAccountOf(tenantId, memberId);
  let charge: Awaited<ReturnType<WalletService['charge']>>;
  try {
    charge = await deps.wallets.charge(tenantId, memberId, amountWon, turn.key, bankAccount);
  } catch (error) {
    if (error instanceof DomainError)
      throw autoChargeFailed(error.code, error.message, error.messageKo, amountWon);
    throw error;
  }
  if (charge.status === 'failed') {
    throw autoChargeFailed(
      'BANK_DECLINED',
      'the bank declined the auto-charge',
      '은행이 자동충전 출금을 거절했습니다',
      amountWon,
    );
  }
  if (charge.status === 'pending') {
    throw autoChargeFailed(
      'BANK_PENDING',
      'the bank has not confirmed the auto-charge yet; try again shortly',
      '은행 확인이 늦어지고 있습니다. 잠시 후 다시 시도하세요',
      amountWon,
    );
  }
  return { chargeId: charge.id, amountWon, units: Math.ceil(amountWon / setting.amountWon) };
}

/** The members' auto-charge turns (in this process): bounded by the members paying at once. */
const memberTurns = new SerialByKey();

function shortfallOf(error: unknown): number | null {
  if (!(error instanceof DomainError) || error.code !== 'INSUFFICIENT_FUNDS') return null;
  const shortfallWon = error.details?.shortfallWon;
  return typeof shortfallWon === 'number' ? shortfallWon : null;
}

/**
 * A payment with auto-charge: tried as it is first; a shortfall then waits for the member's turn
 * (concurrent shortfalls of one member take turns), tries again — an earlier turn's charge may have
 * covered it — and only then charges what is still short, so concurrent payments never charge more
 * than they need together. A payment that still fails after its charge says what was charged.
 */
export async function payCoveringShortfall<Outcome>(
  deps: { wallets: WalletService; members: MemberService; clock: Clock },
  tenantId: string,
  memberId: string,
  paymentKey: string,
  pay: (autoCharge?: AutoChargeReceipt) => Promise<Outcome>,
): Promise<Outcome> {
  const payment = { key: paymentKey, startedAt: deps.clock.now() };
  try {
    return await pay();
  } catch (error) {
    // Without auto-charge a shortfall is the answer: no second try, no turn to wait for.
    if (shortfallOf(error) === null || !(await deps.wallets.autoCharge(tenantId, memberId)).enabled)
      throw error;
  }
  return memberTurns.run(`${tenantId}\n${memberId}`, async () => {
    try {
      return await pay();
    } catch (error) {
      const shortfallWon = shortfallOf(error);
      if (shortfallWon === null) throw error;
      const autoCharge = await coverShortfall(deps, tenantId, memberId, shortfallWon, payment);
      if (!autoCharge) throw error;
      try {
        return await pay(autoCharge);
      } catch (afterCharge) {
        throw paidAfterChargeFailed(afterCharge, autoCharge);
      }
    }
  });
}

/** The payment's own refusal, with the charge that was made for it (the money stays in the wallet). */
function paidAfterChargeFailed(error: unknown, autoCharge: AutoChargeReceipt): unknown {
  if (!(error instanceof DomainError)) return error;
  return new DomainError({
    code: error.code,
    httpStatus: error.httpStatus,
    message: `${error.message}; auto-charge ${autoCharge.chargeId} of ${wonEn(autoCharge.amountWon)} was made and stays in the wallet`,
    messageKo: `${error.messageKo} (자동충전 ${autoCharge.amountWon.toLocaleString('ko-KR')}원은 완료되어 지갑에 남아 있습니다)`,
    details: { ...error.details, autoCharge },
  });
}

function autoChargeFailed(reason: string, why: string, whyKo: string, amountWon: number): DomainError {
  return new DomainError({
    code: 'AUTO_CHARGE_FAILED',
    httpStatus: reason === 'BANK_DECLINED' || reason === 'BANK_PENDING' ? 502 : 422,
    message: `the balance was short and auto-charge of ${wonEn(amountWon)} failed: ${why}`,
    messageKo: `잔액이 부족해 ${amountWon.toLocaleString('ko-KR')}원을 자동충전하려 했지만 실패했습니다: ${whyKo}`,
    details: { reason, autoChargeWon: amountWon },
  });
}
