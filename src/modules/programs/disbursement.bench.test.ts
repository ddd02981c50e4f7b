import { describe, expect, it } from 'vitest';
import { databaseKinds } from '../../../test/support/databases.js';
import { demoClient, openTestPlatform, seedTestTenant } from '../../../test/support/platform.js';
import { insertBulkMembers } from '../../../test/support/programs-members.js';

const RECIPIENTS = 100_000;
const MINUTE_MS = 60_000;

/**
 * The 100,000-recipient timing, off by default (it takes minutes):
 * `PROGRAMS_BENCH=1 npx vitest run src/modules/programs/disbursement.bench.test.ts`
 */
describe.skipIf(!process.env.PROGRAMS_BENCH).each(databaseKinds())('100,000 recipients on %s', (kind) => {
  it(
    'imports, disburses, reports and reclaims within minutes',
    async () => {
      const t = await openTestPlatform(kind);
      try {
        t.clock.set('2021-05-13T03:00:00Z');
        const tenantId = await seedTestTenant(t.platform);
        const operator = await demoClient(t.app, tenantId, 'operator');
        const members = await insertBulkMembers(t.platform, tenantId, RECIPIENTS);
        const created = await operator.post('/v1/operator/programs', {
          name: '긴급재난생계지원금 (벤치마크)',
          budgetWon: RECIPIENTS * 300_000,
          nationalShareBp: 8000,
          recipientAmountWon: 300_000,
          usableFrom: '2021-05-13T00:00:00+09:00',
          expiresAt: '2021-08-31T15:00:00Z',
        });
        const programId = created.body.id;
        const csv = `phone\n${members.map((member) => member.dashedPhone).join('\n')}\n`;
        const timings: Record<string, number> = {};
        const time = async (step: string, work: () => Promise<unknown>) => {
          const startedMs = performance.now();
          await work();
          timings[step] = Math.round(performance.now() - startedMs);
          return timings[step];
        };
        await time('import', () =>
          operator.request('POST', `/v1/operator/programs/${programId}/recipients`, csv, {
            'content-type': 'text/csv',
          }),
        );
        const disburseMs = await time('disburse', async () => {
          await operator.post(`/v1/operator/programs/${programId}/disbursements`);
          await t.platform.programs.idle();
        });
        await time('report', () => operator.get(`/v1/operator/programs/${programId}/report`));
        t.clock.set('2021-08-31T15:00:00Z');
        await time('expire', async () => {
          for (let tick = 0; tick < 10; tick++) await t.platform.scheduler.tick([tenantId]);
        });
        const program = await operator.get(`/v1/operator/programs/${programId}`);
        expect(program.body).toMatchObject({
          disbursement: { disbursedCount: RECIPIENTS, disbursedWon: RECIPIENTS * 300_000 },
          reclaimedWon: RECIPIENTS * 300_000,
        });
        const perSecond = Math.round((RECIPIENTS / disburseMs) * 1000);
        console.log(`${kind}: ${JSON.stringify(timings)} ms; disbursement ${perSecond} recipients/s`);
        expect(disburseMs).toBeLessThan(5 * MINUTE_MS);
      } finally {
        await t.close();
      }
    },
    30 * MINUTE_MS,
  );
});
