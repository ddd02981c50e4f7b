import type { Sql } from '../../db/database.js';
import { monthKey } from '../../time.js';
import type { EventFeed } from '../events/event-feed.js';
import { grantEvents } from '../events/producers.js';
import type { LedgerService } from '../ledger/ledger-service.js';
import type { AccountSpec, TransferRequest, TransferResult } from '../ledger/types.js';
import { recordGrantLines } from '../wallets/usage.js';
import { addCounters, markDisbursed } from './store.js';
import type { Program } from './types.js';

/**
 * The ledger side of a programme. The pool is funded from the funding sources once, at creation, so
 * no disbursement can exceed the budget; each recipient's grant is its own account, owned by the
 * member, carrying the rules (window, industries, districts) the payment path reads.
 */

export type FundingSource = 'national' | 'city';

/** The appropriation accounts the budgets module also draws on; they go negative by what they paid in. */
export function fundingSourceAccountId(source: FundingSource): string {
  return `budget_source:${source}`;
}

export function poolAccountId(programId: string): string {
  return `${programId}:pool`;
}

export function grantAccountId(memberId: string, programId: string): string {
  return `${memberId}:grant:${programId}`;
}

const GRANT_ACCOUNT_ID = /^(.+):grant:(prg_[A-Za-z0-9_-]+)$/;

/** The member and programme of a programme's grant account (`grantAccountId`); null for any other account. */
export function grantOfAccount(accountId: string): { memberId: string; programId: string } | null {
  const [, memberId, programId] = GRANT_ACCOUNT_ID.exec(accountId) ?? [];
  return memberId && programId ? { memberId, programId } : null;
}

/**
 * Returns into grants summed per member and grouped by the grant's issuer (a programme, a partner
 * gift), issuers in id order (the order their rows were locked in). `issuerOf` names a grant
 * account's member and issuer; an account it does not know, or a negative amount, is a bug.
 */
export function returnsByIssuer(
  returns: ReadonlyArray<{ grantAccountId: string; amountWon: number }>,
  issuerOf: (accountId: string) => { memberId: string; issuerId: string } | null,
): Array<[issuerId: string, Array<{ memberId: string; amountWon: number }>]> {
  const byIssuer = new Map<string, Map<string, number>>();
  for (const { grantAccountId, amountWon } of returns) {
    if (amountWon === 0) continue;
    const grant = issuerOf(grantAccountId);
    if (!grant || amountWon < 0) throw new Error(`cannot take ${amountWon} back from ${grantAccountId}`);
    const members = byIssuer.get(grant.issuerId) ?? new Map<string, number>();
    members.set(grant.memberId, (members.get(grant.memberId) ?? 0) + amountWon);
    byIssuer.set(grant.issuerId, members);
  }
  return [...byIssuer.keys()].sort().map((issuerId) => [
    issuerId,
    [...(byIssuer.get(issuerId) as Map<string, number>)].map(([memberId, amountWon]) => ({
      memberId,
      amountWon,
    })),
  ]);
}

const BP_PER_WHOLE = 10_000n;

/** floor(budget × national share) from national funds, the rest from the city. */
export function fundingSplit(budgetWon: number, nationalShareBp: number) {
  const nationalWon = Number((BigInt(budgetWon) * BigInt(nationalShareBp)) / BP_PER_WHOLE);
  return { nationalWon, cityWon: budgetWon - nationalWon };
}

export function fundingAccountSpecs(currencyCode: string, programId: string): AccountSpec[] {
  return [
    ...(['national', 'city'] as const).map((source) => ({
      id: fundingSourceAccountId(source),
      kind: 'budget_source',
      currencyCode,
      allowNegative: true,
    })),
    { id: poolAccountId(programId), kind: 'program_pool', currencyCode, ownerId: programId },
  ];
}

export function fundingTransfer(program: Program): TransferRequest {
  const { nationalWon, cityWon } = fundingSplit(program.budgetWon, program.nationalShareBp);
  const draws = [
    { accountId: fundingSourceAccountId('national'), amountWon: -nationalWon },
    { accountId: fundingSourceAccountId('city'), amountWon: -cityWon },
  ].filter((posting) => posting.amountWon !== 0);
  return {
    id: `program_fund:${program.id}`,
    action: 'transfer',
    code: 'program_fund',
    postings: [...draws, { accountId: poolAccountId(program.id), amountWon: program.budgetWon }],
    metadata: { programId: program.id },
  };
}

function grantAccountSpec(program: Program, memberId: string, currencyCode: string): AccountSpec {
  return {
    id: grantAccountId(memberId, program.id),
    kind: 'member_grant',
    currencyCode,
    ownerId: memberId,
    metadata: {
      programId: program.id,
      usableFrom: program.usableFrom.toISOString(),
      expiresAt: program.expiresAt.toISOString(),
      allowedIndustries: program.allowedIndustries,
      allowedDistricts: program.allowedDistricts,
      donationAllowed: program.donationAllowed,
    },
  };
}

/**
 * Pays grants in the caller's transaction, which holds the programme's row lock: opens the grant
 * accounts, posts one transfer per recipient from the pool (one ledger batch), marks the recipients
 * paid and adds to the counters. The recipient rows said unpaid under the lock, so any refusal or
 * replay from the ledger is a broken invariant.
 */
export async function payGrants(
  tx: Sql,
  { ledger, events }: { ledger: LedgerService; events: EventFeed },
  context: { program: Program; currencyCode: string; timeZone: string; now: Date; onApplication: boolean },
  recipients: ReadonlyArray<{ memberId: string; amountWon: number }>,
): Promise<{ count: number; won: number }> {
  const { program, currencyCode, now } = context;
  if (recipients.length === 0) return { count: 0, won: 0 };
  await ledger.createAccounts(
    program.tenantId,
    recipients.map((recipient) => grantAccountSpec(program, recipient.memberId, currencyCode)),
    tx,
  );
  const transfers: TransferRequest[] = recipients.map((recipient) => ({
    id: `program_grant:${program.id}:${recipient.memberId}`,
    action: 'transfer',
    code: 'program_grant',
    postings: [
      { accountId: poolAccountId(program.id), amountWon: -recipient.amountWon },
      { accountId: grantAccountId(recipient.memberId, program.id), amountWon: recipient.amountWon },
    ],
    metadata: { programId: program.id, memberId: recipient.memberId },
  }));
  assertFresh(await ledger.postTransfersInTransaction(tx, program.tenantId, transfers));
  const memberIds = recipients.map((recipient) => recipient.memberId);
  await markDisbursed(tx, program.tenantId, program.id, memberIds, now, context.onApplication);
  await recordGrantActivity(
    tx,
    program,
    'grant_received',
    monthKey(now, context.timeZone),
    now,
    recipients.map((recipient, at) => ({ ...recipient, transferId: (transfers[at] as TransferRequest).id })),
  );
  const won = recipients.reduce((sum, recipient) => sum + recipient.amountWon, 0);
  await addCounters(tx, program.tenantId, program.id, {
    disbursedCount: recipients.length,
    disbursedWon: won,
  });
  await events.append(tx, program.tenantId, grantEvents('grant.disbursed', program.id, recipients, now));
  return { count: recipients.length, won };
}

/**
 * The members' history lines of grants paid (지원금 지급) or taken back at expiry (지원금 소멸), in one
 * statement. A line's reference is its transfer's id after the transfer's kind (`program_grant:`),
 * which is what the proof of a history line looks the transfer up by.
 */
export async function recordGrantActivity(
  tx: Sql,
  program: Pick<Program, 'tenantId' | 'id' | 'name' | 'expiresAt'>,
  type: 'grant_received' | 'grant_expired',
  month: string,
  at: Date,
  movements: ReadonlyArray<{ memberId: string; amountWon: number; transferId: string }>,
): Promise<void> {
  await recordGrantLines(tx, {
    tenantId: program.tenantId,
    type,
    month,
    at,
    movements: movements.map((movement) => ({
      memberId: movement.memberId,
      amountWon: movement.amountWon,
      referenceId: movement.transferId.slice(movement.transferId.indexOf(':') + 1),
      details: { programName: program.name, expiresAt: program.expiresAt.toISOString() },
    })),
  });
}

/** The ledger refused a grant transfer: a fact about that recipient, not about the database. */
export class LedgerRefusedGrant extends Error {}

export function assertFresh(results: readonly TransferResult[]): void {
  for (const result of results) {
    if (!result.ok)
      throw new LedgerRefusedGrant(`ledger refused programme transfer ${result.id}: ${result.code}`);
    if (result.replayed) throw new Error(`programme transfer ${result.id} was already posted`);
  }
}
