import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { databaseKinds } from '../../../test/support/databases.js';
import {
  ApiClient,
  demoClient,
  demoMerchantCode,
  expectLedgerAuditGreen,
  newMember,
  openTestPlatform,
  seedTestTenant,
  type TestPlatform,
} from '../../../test/support/platform.js';
import {
  BULK_MEMBER_PASSWORD,
  type BulkMember,
  insertBulkMembers,
} from '../../../test/support/programs-members.js';
import { createTestTenant } from '../../../test/support/tenants.js';
import { ProgramService } from './program-service.js';

const EXPIRES_AT = '2021-08-31T15:00:00.000Z';

/** 긴급재난생계지원금: ₩300,000 each by default, up to ₩500,000 by row; 80% national funds; 원도심 only. */
const relief = {
  name: '긴급재난생계지원금',
  budgetWon: 3_500_000_000,
  nationalShareBp: 8000,
  recipientAmountWon: 300_000,
  recipientAmountMaxWon: 500_000,
  usableFrom: '2021-05-13T00:00:00+09:00',
  expiresAt: EXPIRES_AT,
  allowedDistricts: ['dong-gu', 'jung-gu'],
};

async function createProgram(operator: ApiClient, overrides: Record<string, unknown> = {}) {
  const created = await operator.post('/v1/operator/programs', { ...relief, ...overrides });
  expect(created.status).toBe(201);
  return created.body as { id: string };
}

async function importCsv(operator: ApiClient, programId: string, csv: string, importValidRows = false) {
  return operator.request(
    'POST',
    `/v1/operator/programs/${programId}/recipients${importValidRows ? '?importValidRows=true' : ''}`,
    csv,
    { 'content-type': 'text/csv' },
  );
}

function csvOf(lines: readonly string[]): string {
  return `${lines.join('\r\n')}\r\n`;
}

describe.each(databaseKinds())('policy programmes on %s', (kind) => {
  let t: TestPlatform;

  beforeAll(async () => {
    t = await openTestPlatform(kind);
  });
  afterAll(async () => {
    await t.close();
  });

  async function signIn(tenantId: string, member: BulkMember): Promise<ApiClient> {
    return new ApiClient(t.app, tenantId).logIn(member.dashedPhone, BULK_MEMBER_PASSWORD);
  }

  describe('a programme of 10,000 recipients from start to expiry', () => {
    let tenantId: string;
    let operator: ApiClient;
    let members: BulkMember[];
    let extras: BulkMember[];
    let outsider: BulkMember;
    let programId: string;
    let csv: string;
    let market: { merchantCode: string };
    let cafe: { merchantCode: string };
    let bookstore: { merchantCode: string };
    let paymentToCancel: string;

    beforeAll(async () => {
      t.clock.set('2021-05-13T03:00:00Z');
      tenantId = await seedTestTenant(t.platform);
      operator = await demoClient(t.app, tenantId, 'operator');
      members = await insertBulkMembers(t.platform, tenantId, 10_000);
      extras = await insertBulkMembers(t.platform, tenantId, 4);
      const otherCity = await createTestTenant(t.db, t.clock);
      [outsider] = (await insertBulkMembers(t.platform, otherCity, 1)) as [BulkMember];
      market = await demoMerchantCode(t.platform, tenantId, 'marketStore');
      cafe = await demoMerchantCode(t.platform, tenantId, 'cafe');
      bookstore = await demoMerchantCode(t.platform, tenantId, 'bookstore');
      const [e0, e1, e2, e3] = extras as [BulkMember, BulkMember, BulkMember, BulkMember];
      const goodRows = members.map((member, index) => {
        const amount = index % 10 === 0 ? '500000' : '';
        return index < 9_000 ? `${member.dashedPhone},,${amount}` : `,${member.id},${amount}`;
      });
      csv = csvOf([
        'phone,memberId,amountWon',
        '010-9999-0000,,',
        `${outsider.dashedPhone},,`,
        '12345,,',
        `${e0.dashedPhone},${e0.id},`,
        `"${e0.dashedPhone},,`,
        `${e0.dashedPhone},,300000,extra`,
        `${e1.dashedPhone},,500001`,
        `${e2.dashedPhone},,0`,
        `,${e3.id},12.5`,
        ',usr_nobody000000,',
        ...goodRows,
        `${members[0]?.phone},,`,
        '',
        `,${members[9_000]?.id},`,
      ]);
    });

    it('creates the programme and funds its pool from national and city funds in one transfer', async () => {
      const program = await createProgram(operator);
      programId = program.id;
      expect(program).toMatchObject({
        phase: 'open',
        budgetWon: 3_500_000_000,
        funding: { nationalWon: 2_800_000_000, cityWon: 700_000_000 },
        poolWon: 3_500_000_000,
        disbursement: { status: 'not_requested', totalCount: 0, disbursedCount: 0 },
      });
      const national = await t.platform.ledger.getAccount(tenantId, 'budget_source:national');
      const pool = await t.platform.ledger.getAccount(tenantId, `${programId}:pool`);
      expect(pool).toMatchObject({ kind: 'program_pool', postedWon: 3_500_000_000, allowNegative: false });
      expect(national?.postedWon).toBeLessThanOrEqual(-2_800_000_000);
    });

    it('reports each bad row with its line and reason and imports nothing from a file with errors', async () => {
      const report = await importCsv(operator, programId, csv);
      expect(report.status).toBe(200);
      expect(report.body).toMatchObject({
        rowCount: 10_012,
        validRowCount: 10_000,
        errorRowCount: 12,
        validWon: 3_200_000_000,
        imported: false,
        importedCount: 0,
        errorsTruncated: false,
      });
      expect(report.body.errors.map((row: { line: number; code: string }) => [row.line, row.code])).toEqual([
        [2, 'UNKNOWN_MEMBER'],
        [3, 'UNKNOWN_MEMBER'],
        [4, 'INVALID_PHONE'],
        [5, 'MALFORMED_ROW'],
        [6, 'MALFORMED_ROW'],
        [7, 'MALFORMED_ROW'],
        [8, 'AMOUNT_OVER_LIMIT'],
        [9, 'AMOUNT_INVALID'],
        [10, 'AMOUNT_INVALID'],
        [11, 'UNKNOWN_MEMBER'],
        [10_012, 'DUPLICATE_ROW'],
        [10_014, 'DUPLICATE_ROW'],
      ]);
      expect(report.body.errors[10].message).toContain('line 12');
      expect(report.body.errors[6]).toMatchObject({ phone: extras[1]?.phone, amount: '500001' });
      const program = await operator.get(`/v1/operator/programs/${programId}`);
      expect(program.body.disbursement).toMatchObject({ totalCount: 0, totalWon: 0 });
    });

    it('imports only the valid rows when the operator asks for them, and never the same member twice', async () => {
      const report = await importCsv(operator, programId, csv, true);
      expect(report.body).toMatchObject({
        imported: true,
        importedCount: 10_000,
        importedWon: 3_200_000_000,
        errorRowCount: 12,
      });
      const again = await importCsv(operator, programId, csv, true);
      expect(again.body).toMatchObject({ imported: false, importedCount: 0, validRowCount: 0 });
      expect(again.body.errorCounts.ALREADY_RECIPIENT).toBe(10_000);
      const program = await operator.get(`/v1/operator/programs/${programId}`);
      expect(program.body.disbursement).toMatchObject({
        totalCount: 10_000,
        totalWon: 3_200_000_000,
        remainingCount: 10_000,
      });
      const page = await operator.get(`/v1/operator/programs/${programId}/recipients?limit=2`);
      expect(page.body.items).toHaveLength(2);
      expect(page.body.items[0]).toMatchObject({
        memberId: members[0]?.id,
        amountWon: 500_000,
        status: 'awaiting_disbursement',
        line: 12,
      });
    });

    it('disburses every grant once, however often it is asked', async () => {
      const started = await operator.post(`/v1/operator/programs/${programId}/disbursements`);
      expect(started.status).toBe(202);
      expect(started.body.disbursement.status).toBe('running');
      await t.platform.programs.idle();
      const again = await operator.post(`/v1/operator/programs/${programId}/disbursements`);
      expect(again.status).toBe(202);
      await t.platform.programs.idle();
      const program = await operator.get(`/v1/operator/programs/${programId}`);
      expect(program.body).toMatchObject({
        poolWon: 300_000_000,
        disbursement: {
          status: 'completed',
          disbursedCount: 10_000,
          disbursedWon: 3_200_000_000,
          remainingCount: 0,
          remainingWon: 0,
          lastError: null,
        },
      });
      const [{ count }] = (await t.db.query<{ count: number }>(
        `select count(*)::int as count from ledger_transfers where tenant_id = $1 and code = 'program_grant'`,
        [tenantId],
      )) as [{ count: number }];
      expect(count).toBe(10_000);
      const grants = await t.platform.ledger.getAccounts(tenantId, [
        `${members[0]?.id}:grant:${programId}`,
        `${members[1]?.id}:grant:${programId}`,
      ]);
      expect(grants.map((grant) => [grant.ownerId, grant.kind, grant.postedWon])).toEqual([
        [members[0]?.id, 'member_grant', 500_000],
        [members[1]?.id, 'member_grant', 300_000],
      ]);
    });

    it('shows the member their grant, usable only at allowed merchants and earning no cashback', async () => {
      const a = await signIn(tenantId, members[1] as BulkMember);
      const mine = await a.get('/v1/me/programs');
      expect(mine.body.items).toEqual([
        expect.objectContaining({
          programId,
          name: '긴급재난생계지원금',
          amountWon: 300_000,
          status: 'received',
          balanceWon: 300_000,
          expiresAt: EXPIRES_AT,
          allowedDistricts: ['dong-gu', 'jung-gu'],
        }),
      ]);
      const atMarket = await a.post('/v1/me/payments', {
        merchantCode: market.merchantCode,
        amountWon: 120_000,
      });
      expect(atMarket.status).toBe(201);
      expect(atMarket.body.paidFrom).toEqual({ grantWon: 120_000, cashbackWon: 0, cashWon: 0 });
      expect(atMarket.body.cashback.amountWon).toBe(0);
      const atCafe = await a.post('/v1/me/payments', { merchantCode: cafe.merchantCode, amountWon: 10_000 });
      expect(atCafe.status).toBe(422);
      expect(atCafe.body).toMatchObject({ code: 'INSUFFICIENT_FUNDS', shortfallWon: 10_000 });

      const b = await signIn(tenantId, members[2] as BulkMember);
      expect((await b.post('/v1/me/charges', { amountWon: 100_000 })).status).toBe(201);
      const atBookstore = await b.post('/v1/me/payments', {
        merchantCode: bookstore.merchantCode,
        amountWon: 30_000,
      });
      expect(atBookstore.body.paidFrom).toEqual({ grantWon: 30_000, cashbackWon: 0, cashWon: 0 });
      expect(atBookstore.body.cashback.amountWon).toBe(0);
      const cafeFromCash = await b.post('/v1/me/payments', {
        merchantCode: cafe.merchantCode,
        amountWon: 40_000,
      });
      expect(cafeFromCash.body.paidFrom).toEqual({ grantWon: 0, cashbackWon: 0, cashWon: 40_000 });
      expect(cafeFromCash.body.cashback.amountWon).toBe(4_000);
      expect(cafeFromCash.body.wallet).toMatchObject({
        cashWon: 60_000,
        cashbackWon: 4_000,
        grants: [{ programId, amountWon: 270_000, expiresAt: EXPIRES_AT }],
      });
    });

    it('never lets a grant be sent to another member or refunded to the bank', async () => {
      const a = await signIn(tenantId, members[1] as BulkMember);
      const sent = await a.post('/v1/me/transfers', { recipientPhone: members[3]?.phone, amountWon: 10_000 });
      expect([sent.status, sent.body.code]).toEqual([422, 'INSUFFICIENT_FUNDS']);
      const refund = await a.post('/v1/me/refunds');
      expect(refund.body.code).toBe('REFUND_NOT_ALLOWED');
      expect((await a.get('/v1/me/wallet')).body).toMatchObject({
        cashWon: 0,
        grants: [{ programId, amountWon: 180_000 }],
      });
    });

    it('reports spending by district and industry from the ledger', async () => {
      t.clock.set('2021-08-20T03:00:00Z');
      const c = await signIn(tenantId, members[0] as BulkMember);
      const paid = await c.post('/v1/me/payments', { merchantCode: market.merchantCode, amountWon: 200_000 });
      expect(paid.body.paidFrom.grantWon).toBe(200_000);
      paymentToCancel = paid.body.paymentId;
      const report = await operator.get(`/v1/operator/programs/${programId}/report`);
      expect(report.status).toBe(200);
      expect(report.body).toMatchObject({
        budgetWon: 3_500_000_000,
        funding: { nationalWon: 2_800_000_000, cityWon: 700_000_000 },
        recipients: { count: 10_000, won: 3_200_000_000 },
        disbursed: { count: 10_000, won: 3_200_000_000 },
        spent: {
          won: 350_000,
          byDistrict: [
            { district: 'dong-gu', won: 320_000 },
            { district: 'jung-gu', won: 30_000 },
          ],
          byIndustry: [
            { industryCode: 'bookstore', won: 30_000 },
            { industryCode: 'traditional_market_store', won: 320_000 },
          ],
        },
        reclaimedWon: 0,
        outstandingWon: 3_199_650_000,
        poolRemainingWon: 300_000_000,
      });
    });

    it('spends up to the last second of the window and not at its end', async () => {
      const a = await signIn(tenantId, members[1] as BulkMember);
      t.clock.set('2021-08-31T14:59:59Z');
      const lastSecond = await a.post('/v1/me/payments', {
        merchantCode: market.merchantCode,
        amountWon: 1_000,
      });
      expect(lastSecond.body.paidFrom.grantWon).toBe(1_000);
      expect(lastSecond.body.wallet.grants).toEqual([expect.objectContaining({ amountWon: 179_000 })]);
      t.clock.set(EXPIRES_AT);
      // The sweep has not run yet, but the grant can no longer be spent: the wallet says so.
      const wallet = (await a.get('/v1/me/wallet')).body;
      expect(wallet.grants).toEqual([expect.objectContaining({ programId, amountWon: 0 })]);
      expect(wallet.totalWon).toBe(wallet.cashWon + wallet.cashbackWon);
      const atExpiry = await a.post('/v1/me/payments', {
        merchantCode: market.merchantCode,
        amountWon: 1_000,
      });
      expect(atExpiry.status).toBe(422);
      expect(atExpiry.body.code).toBe('INSUFFICIENT_FUNDS');
    });

    it('returns every unused won to the pool at expiry', async () => {
      await t.platform.scheduler.tick([tenantId]);
      const program = await operator.get(`/v1/operator/programs/${programId}`);
      expect(program.body).toMatchObject({
        phase: 'expired',
        reclaimedWon: 3_199_649_000,
        poolWon: 3_499_649_000,
        reclaimCompletedAt: EXPIRES_AT,
      });
      const grant = await t.platform.ledger.getAccount(tenantId, `${members[1]?.id}:grant:${programId}`);
      expect(grant?.postedWon).toBe(0);
      // The member's line of what expired names its reclaim, so its proof is found.
      const a = await signIn(tenantId, members[1] as BulkMember);
      const expired = (await a.get('/v1/me/transactions?type=grant_expired')).body.items;
      expect(expired).toHaveLength(1);
      const proof = await a.get(`/v1/me/transactions/${expired[0].referenceId}/proof`);
      // The scheduler's tick above sealed the day's checkpoint too.
      expect([proof.status, proof.body.status]).toEqual([200, 'sealed']);
      expect(proof.body.proofs[0].transferId).toBe(`program_reclaim:${expired[0].referenceId}`);
      const refused = await operator.post(`/v1/operator/programs/${programId}/disbursements`);
      expect(refused.body.code).toBe('PROGRAM_EXPIRED');
    });

    it('returns a refund into an expired grant to the pool with the cancellation, to the won', async () => {
      t.clock.set('2021-09-01T00:00:00Z');
      const owner = await demoClient(t.app, tenantId, 'marketStore');
      const cancelled = await owner.post(`/v1/merchant/payments/${paymentToCancel}/cancellations`, {
        amountWon: 50_000,
      });
      expect(cancelled.status).toBe(201);
      expect(cancelled.body.refunded.grantWon).toBe(50_000);
      // No sweep runs: the cancellation itself took the refund on to the pool.
      const grant = await t.platform.ledger.getAccount(tenantId, `${members[0]?.id}:grant:${programId}`);
      expect(grant?.postedWon).toBe(0);
      const report = await operator.get(`/v1/operator/programs/${programId}/report`);
      expect(report.body).toMatchObject({
        disbursed: { count: 10_000, won: 3_200_000_000 },
        spent: {
          won: 301_000,
          byDistrictAndIndustry: [
            { district: 'dong-gu', industryCode: 'traditional_market_store', won: 271_000 },
            { district: 'jung-gu', industryCode: 'bookstore', won: 30_000 },
          ],
        },
        reclaimedWon: 3_199_699_000,
        outstandingWon: 0,
        poolRemainingWon: 3_499_699_000,
      });
      await expectLedgerAuditGreen(t.platform, tenantId);
    });

    it('records every operator write in the audit trail', async () => {
      const trail = await operator.get('/v1/operator/audit-trail?limit=100');
      const actions = trail.body.items
        .filter((item: { subjectId: string }) => item.subjectId === programId)
        .map((item: { action: string }) => item.action)
        .reverse();
      expect(actions).toEqual([
        'program.create',
        'program.import_recipients',
        'program.disburse',
        'program.disburse',
      ]);
    });
  });

  describe('a smaller programme', () => {
    let tenantId: string;
    let operator: ApiClient;

    beforeAll(async () => {
      t.clock.set('2021-05-13T03:00:00Z');
      tenantId = await seedTestTenant(t.platform);
      operator = await demoClient(t.app, tenantId, 'operator');
    });

    async function programWith(count: number, overrides: Record<string, unknown> = {}) {
      const members = await insertBulkMembers(t.platform, tenantId, count);
      const program = await createProgram(operator, {
        budgetWon: 300_000 * count,
        recipientAmountMaxWon: 300_000,
        ...overrides,
      });
      const rows = members.map((member) => `${member.id}`);
      const imported = await importCsv(operator, program.id, csvOf(['memberId', ...rows]));
      expect(imported.body).toMatchObject({ imported: true, importedCount: count });
      return { programId: program.id, members };
    }

    it('shows progress while a disbursement is cut short, and the job finishes it after a crash', async () => {
      const { programId } = await programWith(1_200);
      const ledger = t.platform.ledger;
      const post = ledger.postTransfersInTransaction.bind(ledger);
      let calls = 0;
      const crash = vi.spyOn(ledger, 'postTransfersInTransaction').mockImplementation(async (...args) => {
        calls += 1;
        if (calls === 2) throw new Error('simulated crash');
        return post(...args);
      });
      await operator.post(`/v1/operator/programs/${programId}/disbursements`);
      await t.platform.programs.idle();
      crash.mockRestore();
      const halfway = await operator.get(`/v1/operator/programs/${programId}`);
      expect(halfway.body.disbursement).toMatchObject({
        status: 'running',
        totalCount: 1_200,
        disbursedCount: 500,
        disbursedWon: 150_000_000,
        remainingCount: 700,
        remainingWon: 210_000_000,
      });
      expect(halfway.body.disbursement.lastError).toContain('simulated crash');
      await t.platform.scheduler.tick([tenantId]);
      const done = await operator.get(`/v1/operator/programs/${programId}`);
      expect(done.body).toMatchObject({
        poolWon: 0,
        disbursement: {
          status: 'completed',
          disbursedCount: 1_200,
          disbursedWon: 360_000_000,
          lastError: null,
        },
      });
      await expectLedgerAuditGreen(t.platform, tenantId);
    });

    it('sets aside a recipient the database refuses, and pays every other recipient of the run', async () => {
      const { programId, members } = await programWith(600);
      const refused = members[321]?.id as string;
      const ledger = t.platform.ledger;
      const post = ledger.postTransfersInTransaction.bind(ledger);
      const refusal = vi.spyOn(ledger, 'postTransfersInTransaction').mockImplementation(async (...args) => {
        if (args[2].some((command) => 'id' in command && command.id.endsWith(`:${refused}`)))
          throw Object.assign(new Error('simulated check violation'), { code: '23514' });
        return post(...args);
      });
      await operator.post(`/v1/operator/programs/${programId}/disbursements`);
      await t.platform.programs.idle();
      refusal.mockRestore();
      const program = await operator.get(`/v1/operator/programs/${programId}`);
      expect(program.body.disbursement).toMatchObject({
        status: 'completed',
        disbursedCount: 599,
        disbursedWon: 179_700_000,
        lastError: null,
      });
      const setAside: Array<{ disburseFailure: string | null }> = [];
      let cursor: string | null = null;
      for (let page = 0; page < 7; page++) {
        const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
        const recipients = await operator.get(
          `/v1/operator/programs/${programId}/recipients?limit=100${query}`,
        );
        setAside.push(
          ...recipients.body.items.filter((item: { disburseFailure: string | null }) => item.disburseFailure),
        );
        cursor = recipients.body.nextCursor;
        if (!cursor) break;
      }
      expect(setAside).toEqual([
        expect.objectContaining({
          memberId: refused,
          disbursedAt: null,
          disburseFailure: expect.stringContaining('check violation'),
        }),
      ]);
      await expectLedgerAuditGreen(t.platform, tenantId);
    });

    it('pays and reclaims each won once when two processes run the jobs at once', async () => {
      const { programId } = await programWith(1_500);
      const { ledger, events, tenants, members, merchants, reference, operatorActions } = t.platform;
      const deps = { ledger, events, tenants, members, merchants, reference, operatorActions };
      const processes = [new ProgramService(t.db, t.clock, deps), new ProgramService(t.db, t.clock, deps)];
      const runEverywhere = async (name: string) => {
        const jobs = processes.flatMap((service) => service.jobs().filter((job) => job.name === name));
        return Promise.all(jobs.map((job) => job.run({ tenantId, now: t.clock.now() })));
      };
      await operator.post(`/v1/operator/programs/${programId}/disbursements`);
      await Promise.all([runEverywhere('programs.disburse'), t.platform.programs.idle()]);
      t.clock.set(EXPIRES_AT);
      const reclaims = await runEverywhere('programs.expire_grants');
      for (let round = 0; round < 5; round++) await runEverywhere('programs.expire_grants');
      expect(
        reclaims.reduce((sum, outcome) => sum + Number(outcome.details?.reclaimedWon ?? 0), 0),
      ).toBeGreaterThan(0);
      const program = await operator.get(`/v1/operator/programs/${programId}`);
      expect(program.body).toMatchObject({
        poolWon: 450_000_000,
        reclaimedWon: 450_000_000,
        disbursement: { status: 'completed', disbursedCount: 1_500, disbursedWon: 450_000_000 },
      });
      await expectLedgerAuditGreen(t.platform, tenantId);
      t.clock.set('2021-05-13T03:00:00Z');
    });

    it('pays a programme that requires applications only to listed members who apply, once', async () => {
      const { programId, members } = await programWith(2, {
        requiresApplication: true,
        recipientAmountWon: 100_000,
      });
      const [first, second] = members as [BulkMember, BulkMember];
      const applicant = await signIn(tenantId, first);
      expect((await applicant.get('/v1/me/programs')).body.items).toEqual([
        expect.objectContaining({ programId, status: 'eligible', balanceWon: 0, requiresApplication: true }),
      ]);
      const disburse = await operator.post(`/v1/operator/programs/${programId}/disbursements`);
      expect(disburse.status).toBe(409);
      expect(disburse.body.code).toBe('PROGRAM_PAID_ON_APPLICATION');
      const applied = await applicant.post(`/v1/me/programs/${programId}/application`);
      expect(applied.status).toBe(201);
      expect(applied.body).toMatchObject({ status: 'received', balanceWon: 100_000 });
      const twice = await applicant.post(`/v1/me/programs/${programId}/application`);
      expect(twice.status).toBe(200);
      expect((await applicant.get('/v1/me/wallet')).body.grants).toEqual([
        expect.objectContaining({ programId, amountWon: 100_000 }),
      ]);
      const stranger = await newMember(t.app, tenantId, '010-6000-0001');
      const refused = await stranger.post(`/v1/me/programs/${programId}/application`);
      expect(refused.status).toBe(403);
      expect(refused.body.code).toBe('PROGRAM_NOT_ELIGIBLE');
      t.clock.set(EXPIRES_AT);
      const late = await signIn(tenantId, second);
      expect((await late.post(`/v1/me/programs/${programId}/application`)).body.code).toBe('PROGRAM_EXPIRED');
      expect((await late.get('/v1/me/programs')).body.items[0].status).toBe('closed');
      t.clock.set('2021-05-13T03:00:00Z');
      const program = await operator.get(`/v1/operator/programs/${programId}`);
      expect(program.body.disbursement).toMatchObject({
        totalCount: 2,
        disbursedCount: 1,
        disbursedWon: 100_000,
      });
      await expectLedgerAuditGreen(t.platform, tenantId);
    });

    it('lets auditors read, only policy admins write, and nobody else in', async () => {
      const { programId } = await programWith(1);
      const auditor = await newMember(t.app, tenantId, '010-6000-0002');
      const member = await newMember(t.app, tenantId, '010-6000-0003');
      const auditorId = (await t.platform.members.findByPhone(tenantId, '010-6000-0002'))?.id as string;
      await t.platform.members.grantOperatorRoles(tenantId, auditorId, ['auditor']);
      expect((await auditor.get(`/v1/operator/programs/${programId}`)).status).toBe(200);
      expect((await auditor.get(`/v1/operator/programs/${programId}/report`)).status).toBe(200);
      expect((await auditor.get('/v1/operator/programs')).status).toBe(200);
      expect((await auditor.post('/v1/operator/programs', relief)).status).toBe(403);
      expect((await auditor.post(`/v1/operator/programs/${programId}/disbursements`)).status).toBe(403);
      expect((await importCsv(auditor, programId, 'memberId\r\n')).status).toBe(403);
      expect((await member.get(`/v1/operator/programs/${programId}`)).status).toBe(403);
      const anonymous = new ApiClient(t.app, tenantId);
      expect((await importCsv(anonymous, programId, 'memberId\r\n')).status).toBe(401);
      expect((await anonymous.get('/v1/me/programs')).status).toBe(401);
    });

    it('refuses an operator putting themselves on a list or changing their own welfare flag', async () => {
      const program = await createProgram(operator, { budgetWon: 600_000, recipientAmountMaxWon: 300_000 });
      const operatorId = (await t.platform.members.findByPhone(tenantId, '010-0000-0000'))?.id as string;
      const [other] = (await insertBulkMembers(t.platform, tenantId, 1)) as [BulkMember];
      const report = await importCsv(operator, program.id, csvOf(['memberId', operatorId, other.id]), true);
      expect(report.body).toMatchObject({ imported: true, importedCount: 1, errorRowCount: 1 });
      expect(report.body.errors).toMatchObject([{ line: 2, code: 'OPERATOR_SELF', memberId: operatorId }]);
      expect(report.body.errors[0].messageKo).toContain('본인');
      // Another operator may list them.
      const colleague = await newMember(t.app, tenantId, '010-6000-0009');
      const colleagueId = (await t.platform.members.findByPhone(tenantId, '010-6000-0009'))?.id as string;
      await t.platform.members.grantOperatorRoles(tenantId, colleagueId, ['policy_admin']);
      const byColleague = await importCsv(colleague, program.id, csvOf(['memberId', operatorId]));
      expect(byColleague.body).toMatchObject({ imported: true, importedCount: 1 });

      const self = await operator.post(`/v1/operator/members/${operatorId}/welfare`, {
        isWelfareRecipient: true,
      });
      expect({ status: self.status, code: self.body.code }).toEqual({
        status: 403,
        code: 'OPERATOR_SELF_ACTION',
      });
      expect((await t.platform.members.welfareFlags(tenantId, [operatorId])).get(operatorId)).toBe(false);
      const byOther = await colleague.post(`/v1/operator/members/${operatorId}/welfare`, {
        isWelfareRecipient: true,
      });
      expect(byOther.status).toBe(200);
    });

    it('creates a programme once per Idempotency-Key, funding it once', async () => {
      const first = await operator.post('/v1/operator/programs', relief, 'create-relief-1');
      const replay = await operator.post('/v1/operator/programs', relief, 'create-relief-1');
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.body.id).toBe(first.body.id);
      const funded = await t.db.query(`select id from ledger_transfers where tenant_id = $1 and id = $2`, [
        tenantId,
        `program_fund:${first.body.id}`,
      ]);
      expect(funded).toHaveLength(1);
    });

    it('refuses a programme that is not well defined, changing nothing', async () => {
      const before = (await operator.get('/v1/operator/programs?limit=100')).body.items.length;
      const cases: Array<[Record<string, unknown>, string]> = [
        [{ allowedDistricts: ['gangnam-gu'] }, 'UNKNOWN_DISTRICT'],
        [{ allowedIndustries: ['casino'] }, 'UNKNOWN_INDUSTRY'],
        [{ usableFrom: EXPIRES_AT }, 'INVALID_PROGRAM'],
        [{ expiresAt: '2021-05-01T00:00:00Z', usableFrom: '2021-04-01T00:00:00Z' }, 'INVALID_PROGRAM'],
        [{ recipientAmountWon: 600_000 }, 'INVALID_PROGRAM'],
        [{ budgetWon: 400_000 }, 'INVALID_PROGRAM'],
      ];
      for (const [overrides, code] of cases) {
        const refused = await operator.post('/v1/operator/programs', { ...relief, ...overrides });
        expect([refused.status, refused.body.code]).toEqual([400, code]);
      }
      expect((await operator.get('/v1/operator/programs?limit=100')).body.items).toHaveLength(before);
    });

    it('refuses recipient files that are unreadable, too big or over the budget, importing nothing', async () => {
      const { programId } = await programWith(1, { budgetWon: 1_000_000, recipientAmountMaxWon: 500_000 });
      const [first, second] = (await insertBulkMembers(t.platform, tenantId, 2)) as [BulkMember, BulkMember];
      const header = await importCsv(operator, programId, 'name,amountWon\r\n김한밭,1000\r\n');
      expect([header.status, header.body.code]).toEqual([400, 'CSV_HEADER_INVALID']);
      const manyRows = `memberId\n${'usr_x\n'.repeat(200_001)}`;
      const tooMany = await importCsv(operator, programId, manyRows);
      expect(tooMany.status).toBe(413);
      expect(tooMany.body).toMatchObject({ code: 'CSV_TOO_MANY_ROWS', rowsMax: 200_000, rowCount: 200_001 });
      const tooLarge = await importCsv(operator, programId, `memberId\n${'x'.repeat(16 * 1024 * 1024)}\n`);
      expect([tooLarge.status, tooLarge.body.code]).toEqual([413, 'CSV_TOO_LARGE']);
      const overBudgetRows = ['memberId,amountWon', `${first.id},500000`, `${second.id},500000`];
      const withBadRow = await importCsv(operator, programId, csvOf([...overBudgetRows, ',']));
      expect(withBadRow.body).toMatchObject({ imported: false, errorCounts: { MALFORMED_ROW: 1 } });
      const refused = await importCsv(operator, programId, csvOf(overBudgetRows), true);
      expect(refused.status).toBe(409);
      expect(refused.body).toMatchObject({
        code: 'PROGRAM_BUDGET_EXCEEDED',
        budgetWon: 1_000_000,
        alreadyWon: 300_000,
        fileWon: 1_000_000,
      });
      const program = await operator.get(`/v1/operator/programs/${programId}`);
      expect(program.body.disbursement).toMatchObject({ totalCount: 1, totalWon: 300_000 });
    });
  });
});
