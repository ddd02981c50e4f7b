/**
 * `npm run test:failover [-- --rate R --before S --after S]`: a pg_auto_failover primary and
 * synchronous standby (scripts/failover/cluster.sh), the server on the multi-host URL, payments at a
 * fixed rate, the primary machine lost (kill -9 of its keeper and its postgres), the standby promoted.
 * Every payment is retried with its own idempotency key until acknowledged, as a till would. Checks:
 * 0 acknowledged payments lost, 0 duplicated, the audit green; reports the time without service.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { systemClock } from '../../src/clock.js';
import { openPostgres } from '../../src/db/postgres.js';
import { auditLedger } from '../../src/modules/ledger/audit.js';
import { exited, fundedPayers, pay, SERVER_TENANT, startServer } from '../../test/support/server-process.js';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '20' },
    before: { type: 'string', default: '10' },
    after: { type: 'string', default: '20' },
    port: { type: 'string', default: '6500' },
  },
});
const ratePerSecond = Number(values.rate);
const RETRY_MS = 100;
const RECOVERY_MS_MAX = 120_000;
const cluster = path.resolve('scripts/failover/cluster.sh');
const dir = mkdtempSync(path.join(os.tmpdir(), 'hanbat-failover-'));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function killPrimaryMachine(): string {
  const state = execFileSync(cluster, ['state', dir], { encoding: 'utf8' });
  const primary = /^(node\d)\s.*\|\s+primary\s*$/m.exec(state)?.[1];
  if (!primary) throw new Error(`no primary in:\n${state}`);
  const keeper = readFileSync(path.join(dir, `${primary}.keeper.pid`), 'utf8').trim();
  const postmaster = readFileSync(path.join(dir, primary, 'postmaster.pid'), 'utf8')
    .split('\n')[0]
    ?.trim();
  // The whole machine: the keeper, its supervisor children (which would otherwise restart postgres)
  // and postgres with its backends.
  const descendants = (pid: string): string[] => {
    const children = spawnSync('ps', ['-o', 'pid=', '--ppid', pid], { encoding: 'utf8' })
      .stdout.split('\n')
      .map((line) => line.trim())
      .filter(Boolean);
    return [pid, ...children.flatMap(descendants)];
  };
  const pids = [...descendants(keeper), ...(postmaster ? descendants(postmaster) : [])];
  spawnSync('kill', ['-9', ...new Set(pids)]);
  return primary;
}

async function main(): Promise<void> {
  console.log(`starting monitor, primary and standby in ${dir} ...`);
  const url =
    execFileSync(cluster, ['start', dir, values.port], { encoding: 'utf8' }).trim().split('\n').at(-1) ?? '';
  console.log(`DATABASE_URL=${url}`);
  let failed = false;
  const server = await startServer(url, path.join(dir, 'bank')).catch((error: unknown) => {
    spawnSync(cluster, ['stop', dir]);
    rmSync(dir, { recursive: true, force: true });
    throw error;
  });
  let db = await openPostgres(url, 2);
  try {
    const { tokens, merchantCode } = await fundedPayers(db, server, 5_000_000);
    const acknowledged = new Map<string, string>();
    const ackTimes: number[] = [];
    let retries = 0;
    let killedAt = 0;
    const payUntilAcknowledged = async (key: string, token: string) => {
      for (const started = Date.now(); Date.now() - started < RECOVERY_MS_MAX; ) {
        const response = await pay(server.url, token, key, merchantCode, 1_000).catch(() => null);
        const body = (await response?.json().catch(() => ({}))) as { paymentId?: string } | undefined;
        if (response?.status === 201 && body?.paymentId) {
          acknowledged.set(key, body.paymentId);
          ackTimes.push(Date.now());
          return;
        }
        retries += 1;
        await sleep(RETRY_MS);
      }
      throw new Error(`payment ${key} not acknowledged within ${RECOVERY_MS_MAX} ms`);
    };
    const inFlight: Array<Promise<void>> = [];
    const start = Date.now();
    const total = Math.round(ratePerSecond * (Number(values.before) + Number(values.after)));
    let primary = '';
    for (let i = 0; i < total; i++) {
      const due = start + (i * 1000) / ratePerSecond;
      if (due > Date.now()) await sleep(due - Date.now());
      if (!killedAt && Date.now() - start >= Number(values.before) * 1000) {
        primary = killPrimaryMachine();
        killedAt = Date.now();
        console.log(`killed ${primary} (keeper and postgres, kill -9) after ${acknowledged.size} payments`);
      }
      inFlight.push(payUntilAcknowledged(`failover-${i}`, tokens[i % tokens.length] as string));
    }
    await Promise.all(inFlight);
    // The checks read the new primary through a fresh pool (this one may still point at the lost node).
    await db.close().catch(() => undefined);
    db = await openPostgres(url, 2);
    // Time without service: the longest wait between two acknowledgements that ends after the kill
    // (at 20/s they are ~50 ms apart). Not "first acknowledgement after the kill": a payment committed
    // just before the kill may be answered just after it.
    const sorted = [...ackTimes].sort((x, y) => x - y);
    let outageMs = 0;
    let resumedAfterKillMs = 0;
    for (let i = 1; i < sorted.length; i++) {
      const [previous, current] = [sorted[i - 1] as number, sorted[i] as number];
      if (current >= killedAt && current - previous > outageMs) {
        outageMs = current - previous;
        resumedAfterKillMs = current - killedAt;
      }
    }
    const rows = await db.query<{ id: string; key: string }>(
      // A batched payment keeps its own idempotency key (migration 804); older ones are in the store.
      `select id, idempotency_key as key from payments
        where tenant_id = $1 and idempotency_key like 'failover-%'
       union all
       select p.id, k.key from payments p join idempotency_keys k
         on k.tenant_id = p.tenant_id and k.response::jsonb->>'paymentId' = p.id
       where p.tenant_id = $1 and k.key like 'failover-%'`,
      [SERVER_TENANT],
    );
    const stored = new Map(rows.map((row) => [row.key, row.id]));
    const lost = [...acknowledged].filter(([key, id]) => stored.get(key) !== id).length;
    const [count] = await db.query<{ n: number }>(
      'select count(*)::bigint as n from payments where tenant_id = $1',
      [SERVER_TENANT],
    );
    const duplicated = (count?.n ?? 0) - acknowledged.size;
    const report = await auditLedger(db, SERVER_TENANT, systemClock.now());
    console.log(execFileSync(cluster, ['state', dir], { encoding: 'utf8' }));
    const result = {
      payments: total,
      acknowledged: acknowledged.size,
      lost,
      duplicated,
      retries,
      outageMs,
      resumedAfterKillMs,
      auditOk: report.ok,
      violations: report.violations.length,
    };
    console.log(JSON.stringify(result));
    failed = lost !== 0 || duplicated !== 0 || !report.ok || acknowledged.size !== total;
  } catch (error) {
    failed = true;
    console.error(error);
    console.error(`server output (tail):\n${server.output().slice(-3000)}`);
    console.error(spawnSync(cluster, ['state', dir], { encoding: 'utf8' }).stdout);
    console.error(
      spawnSync('tail', ['-n', '30', path.join(dir, 'monitor.log')], { encoding: 'utf8' }).stdout,
    );
  } finally {
    await db.close().catch(() => undefined);
    server.child.kill('SIGTERM');
    await exited(server.child);
    spawnSync(cluster, ['stop', dir]);
    rmSync(dir, { recursive: true, force: true });
  }
  if (failed) {
    console.error('FAILOVER CHECK FAILED');
    process.exit(1);
  }
  console.log('failover check passed: 0 lost, 0 duplicated, audit green');
}

await main();
