import { DomainError } from '../../errors.js';
import type { MemberService } from '../members/member-service.js';
import { AUTO_CHARGE_KEY_PREFIX, type WalletService } from './wallet-service.js';

export interface AutoChargeReceipt {
  chargeId: string;
  amountWon: number;
  units: number;
}

/**
 * Charges whole auto-charge amounts to cover a payment's shortfall, as ONE bank withdrawal so that it
 * either all happens or none of it does. The key is derived from the payment's key, so a retried
 * payment reuses the same charge. Returns null when the member has auto-charge off.
 */
export async function coverShortfall(
  deps: { wallets: WalletService; members: MemberService },
  tenantId: string,
  memberId: string,
  shortfallWon: number,
  paymentKey: string,
): Promise<AutoChargeReceipt | null> {
  const setting = await deps.wallets.autoCharge(tenantId, memberId);
  if (!setting.enabled) return null;
  const units = Math.ceil(shortfallWon / setting.amountWon);
  const amountWon = units * setting.amountWon;
  const bankAccount = await deps.members.bankAccountOf(tenantId, memberId);
  let charge: Awaited<ReturnType<WalletService['charge']>>;
  try {
    charge = await deps.wallets.charge(
      tenantId,
      memberId,
      amountWon,
      `${AUTO_CHARGE_KEY_PREFIX}${paymentKey}`,
      bankAccount,
    );
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
  return { chargeId: charge.id, amountWon, units };
}

function autoChargeFailed(reason: string, why: string, whyKo: string, amountWon: number): DomainError {
  return new DomainError({
    code: 'AUTO_CHARGE_FAILED',
    httpStatus: reason === 'BANK_DECLINED' || reason === 'BANK_PENDING' ? 502 : 422,
    message: `the balance was short and auto-charge of ${amountWon} won failed: ${why}`,
    messageKo: `잔액이 부족해 ${amountWon.toLocaleString('ko-KR')}원을 자동충전하려 했지만 실패했습니다: ${whyKo}`,
    details: { reason, autoChargeWon: amountWon },
  });
}
