/**
 * `npm run bench:tenant-move -- --payments 10000`: how long a city's writes pause while it is moved
 * between two PostgreSQL clusters, for a city of N payments. Two throwaway clusters (a: home, b), one
 * Daejeon-preset city on a, its demo citizen funded through the ledger and paying at the demo shop N
 * times in-process (16 at once), then `ClusterSet.move` to b. Prints the rows copied, the pause
 * (fence + copy + verify + switch) and this process's CPU. A
 * benchmark, not a test: nothing here asserts a time.
 */
import { cpuUsage } from 'node:process';
import { parseArgs } from 'node:util';
import { ManualClock } from '../src/clock.js';
import { loadConfig } from '../src/config.js';
import { migrate } from '../src/db/migrate.js';
import { allMigrations } from '../src/db/migrations.js';
import { openPostgres } from '../src/db/postgres.js';
import { InProcessSandboxBank } from '../src/modules/bank/in-process-sandbox-bank.js';
import { memberAccountIds } from '../src/modules/members/member-service.js';
import type { ClusterSet } from '../src/modules/tenant-directory/cluster-set.js';
import { openClusters } from '../src/modules/tenant-directory/deployment.js';
import { SYSTEM_ACCOUNTS } from '../src/modules/wallets/wallet-service.js';
import { createPlatform } from '../src/platform.js';
import { DEMO_CREDENTIALS, seedDaejeon } from '../src/presets/daejeon.js';
import { findPostgresBinDir, startPostgresCluster } from '../test/support/postgres-cluster.js';
import { createDatabase } from './database.js';
import { postgresCpuSeconds } from './postgres-cpu.js';

const { values } = parseArgs({
  options: {
    payments: { type: 'string', default: '10000' },
    concurrency: { type: 'string', default: '16' },
    /** `off`: drop the fence triggers on cluster a before paying, to see what they cost (no move then). */
    fence: { type: 'string', default: 'on' },
  },
});
const FENCE = values.fence !== 'off';
const PAYMENTS = Number(values.payments);
const CONCURRENCY = Number(values.concurrency);
const TENANT = 'movecity';

async function main(): Promise<void> {
  const binDir = findPostgresBinDir();
  if (!binDir) throw new Error('needs PostgreSQL binaries (/usr/lib/postgresql/*/bin)');
  const clusterA = await startPostgresCluster(binDir, { durable: true });
  const clusterB = await startPostgresCluster(binDir, { durable: true });
  try {
    const urlA = await createDatabase(clusterA.adminUrl, 'bench_move');
    const urlB = await createDatabase(clusterB.adminUrl, 'bench_move_b');
    const config = loadConfig({
      DATABASE_URL: urlA,
      HANBAT_HOME_CLUSTER: 'a',
      HANBAT_CLUSTERS: `b=${urlB}`,
    });
    const db = await openPostgres(urlA, 20);
    await migrate(db, allMigrations);
    const home = createPlatform(
      config,
      db,
      new ManualClock(new Date('2021-05-13T03:00:00Z')),
      new InProcessSandboxBank(),
    );
    const set = (await openClusters(home, config)) as ClusterSet;
    await seedDaejeon(home, TENANT);
    const citizen = await home.members.findByPhone(TENANT, DEMO_CREDENTIALS.citizen.phone);
    const owner = await home.members.findByPhone(TENANT, DEMO_CREDENTIALS.cafe.phone);
    const [shop] = await home.merchants.listForOwner(TENANT, owner?.id ?? '');
    if (!citizen || !shop?.merchantCode) throw new Error('the demo citizen or shop is missing');
    const funded = await home.ledger.postTransfers(TENANT, [
      {
        id: 'bench-move-fund',
        action: 'transfer',
        code: 'charge',
        postings: [
          { accountId: SYSTEM_ACCOUNTS.bankClearing, amountWon: -PAYMENTS * 1_000 },
          { accountId: memberAccountIds(citizen.id).cash, amountWon: PAYMENTS * 1_000 },
        ],
      },
    ]);
    if (!funded.every((result) => result.ok)) throw new Error('funding refused');
    if (!FENCE)
      for (const { name } of await db.query<{ name: string }>(
        `select c.relname as name from pg_trigger t join pg_class c on c.oid = t.tgrelid where t.tgname = 'hanbat_tenant_fence'`,
      ))
        await db.query(`drop trigger hanbat_tenant_fence on "${name}"`);
    let next = 0;
    const pgCpuBefore = postgresCpuSeconds('bench_move');
    const nodeCpuBefore = cpuUsage();
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let n = next++; n < PAYMENTS; n = next++) {
          const key = `bench-move-${n}`;
          await home.payments.payAtMerchant(TENANT, {
            memberId: citizen.id,
            merchantCode: shop.merchantCode as string,
            amountWon: 1_000,
            idempotency: { principalId: citizen.id, key, requestHash: key },
          });
        }
      }),
    );
    const nodeCpu = cpuUsage(nodeCpuBefore);
    const pgCpu = postgresCpuSeconds('bench_move') - pgCpuBefore;
    console.log(
      `${PAYMENTS} payments (fence triggers ${FENCE ? 'on' : 'off'}) in ${Math.round(performance.now() - started)} ms; ` +
        `CPU per payment: Node ${((nodeCpu.user + nodeCpu.system) / 1000 / PAYMENTS).toFixed(3)} ms, ` +
        `PostgreSQL ${((pgCpu * 1000) / PAYMENTS).toFixed(3)} ms`,
    );
    if (!FENCE) {
      for (const platform of set.platforms.values()) await platform.db.close();
      return;
    }
    const cpu = cpuUsage();
    const moveStarted = performance.now();
    const report = await set.move(TENANT, 'b');
    const wallMs = performance.now() - moveStarted;
    const used = cpuUsage(cpu);
    console.log(
      JSON.stringify(
        {
          payments: PAYMENTS,
          tables: report.tables,
          rowsCopied: report.rowsCopied,
          transfers: report.fingerprint.transfers,
          pausedMs: report.pausedMs,
          moveWallMs: Math.round(wallMs),
          nodeCpuMs: Math.round((used.user + used.system) / 1000),
          auditChecks: report.auditChecks,
        },
        null,
        2,
      ),
    );
    for (const platform of set.platforms.values()) await platform.db.close();
  } finally {
    clusterA.stop();
    clusterB.stop();
  }
}

await main();
