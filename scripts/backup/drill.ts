/**
 * `npm run drill:restore`: proves base backup + WAL archive + point-in-time restore end to end.
 * A throwaway PostgreSQL cluster archiving its WAL, the server on it, a base backup, payments (A),
 * the target time T, more payments (B); then a scratch cluster restored from the backup and the
 * archive to T. Passes when the restored books equal the books as they stood at T (ledger
 * fingerprint: transfer digests and balances), B is absent, and the ledger audit is green.
 *
 * Against real backups: `npm run drill:restore -- --backup DIR --archive DIR --target '2026-12-01 23:59:59+09'`
 * restores that point into a scratch cluster and audits every tenant (exit 1 on any violation).
 */
import { execFileSync } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { systemClock } from '../../src/clock.js';
import type { Database } from '../../src/db/database.js';
import { openPostgres } from '../../src/db/postgres.js';
import { auditLedger } from '../../src/modules/ledger/audit.js';
import { type LedgerFingerprint, ledgerFingerprint } from '../../src/modules/ledger/fingerprint.js';
import { findPostgresBinDir, freePort, startPostgresCluster } from '../../test/support/postgres-cluster.js';
import { exited, fundedPayers, pay, SERVER_TENANT, startServer } from '../../test/support/server-process.js';

const { values } = parseArgs({
  options: {
    payments: { type: 'string', default: '40' },
    backup: { type: 'string' },
    archive: { type: 'string' },
    target: { type: 'string' },
  },
});
const pitr = path.resolve('scripts/backup/pitr.sh');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const asRoot = process.getuid?.() === 0;

function postgresOwned(dir: string): string {
  mkdirSync(dir, { recursive: true });
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    chownSync(dir, uid, uid === 0 ? 0 : Number(execFileSync('id', ['-g', 'postgres']).toString().trim()));
  }
  return dir;
}

async function restore(backup: string, archive: string, target: string | undefined, scratch: string) {
  const data = path.join(postgresOwned(scratch), 'data');
  const port = await freePort();
  const adminUrl = execFileSync(
    pitr,
    ['restore', backup, archive, data, String(port), ...(target ? [target] : [])],
    {
      encoding: 'utf8',
    },
  )
    .trim()
    .split('\n')
    .at(-1) as string;
  return { adminUrl, stop: () => execFileSync(pitr, ['stop', data]) };
}

async function auditAll(db: Database): Promise<boolean> {
  const tenants = await db.query<{ id: string }>('select id from tenants order by id');
  let ok = true;
  for (const { id } of tenants) {
    const report = await auditLedger(db, id, systemClock.now());
    console.log(`  audit ${id}: ${report.ok ? 'green' : `${report.violations.length} violations`}`);
    ok &&= report.ok;
  }
  return ok;
}

async function payMany(url: string, tokens: string[], merchantCode: string, prefix: string, count: number) {
  for (let i = 0; i < count; i++) {
    const response = await pay(
      url,
      tokens[i % tokens.length] as string,
      `${prefix}-${i}`,
      merchantCode,
      1_000 + i,
    );
    if (response.status !== 201)
      throw new Error(`payment ${prefix}-${i}: ${response.status} ${await response.text()}`);
  }
}

/** Self-contained: builds a primary, backs it up, writes before and after T, restores T. */
async function selfContainedDrill(): Promise<boolean> {
  const binDir = findPostgresBinDir();
  if (!binDir) throw new Error('PostgreSQL binaries not found (set PG_BIN)');
  const root = postgresOwned(mkdtempSync(path.join(os.tmpdir(), 'hanbat-restore-')));
  const archive = postgresOwned(path.join(root, 'archive'));
  const backup = path.join(root, 'base');
  const primary = await startPostgresCluster(binDir, { durable: true, settings: ['archive_mode=on'] });
  const cleanups: Array<() => unknown> = [
    () => primary.stop(),
    () => rmSync(root, { recursive: true, force: true }),
  ];
  try {
    const admin = new pg.Client({ connectionString: primary.adminUrl });
    await admin.connect();
    const command = execFileSync(pitr, ['archive-command', archive], { encoding: 'utf8' }).trim();
    await admin.query(`alter system set archive_command = '${command.replaceAll("'", "''")}'`);
    await admin.query('select pg_reload_conf()');
    await admin.query('create database hanbat');
    const url = primary.adminUrl.replace(/\/postgres$/, '/hanbat');
    const server = await startServer(url, path.join(root, 'bank'));
    cleanups.unshift(async () => {
      server.child.kill('SIGTERM');
      await exited(server.child);
    });
    const db = await openPostgres(url, 2);
    cleanups.unshift(() => db.close());
    const { tokens, merchantCode } = await fundedPayers(db, server, 5_000_000);
    console.log('base backup ...');
    execFileSync(pitr, ['base', primary.adminUrl, backup], { stdio: 'inherit' });
    const count = Number(values.payments);
    await payMany(server.url, tokens, merchantCode, 'before', count);
    // Commit timestamps either side of T are a second apart, so T falls cleanly between A and B.
    await sleep(1_100);
    const [{ target } = { target: '' }] = await db.query<{ target: string }>(`select now()::text as target`);
    const atTarget: LedgerFingerprint = await ledgerFingerprint(db, SERVER_TENANT);
    await sleep(1_100);
    await payMany(server.url, tokens, merchantCode, 'after', count);
    const atEnd = await ledgerFingerprint(db, SERVER_TENANT);
    // Close the current WAL segment so it is archived, and wait for the archiver.
    const [{ wal } = { wal: '' }] = await admin
      .query<{ wal: string }>('select pg_walfile_name(pg_switch_wal()) as wal')
      .then((result) => result.rows);
    for (let i = 0; i < 120; i++) {
      const { rows } = await admin.query<{ last: string | null }>(
        'select last_archived_wal as last from pg_stat_archiver',
      );
      if ((rows[0]?.last ?? '') >= wal) break;
      await sleep(500);
    }
    await admin.end();
    console.log(`restoring to T = ${target} (${count} payments before, ${count} after) ...`);
    const restored = await restore(backup, archive, target, path.join(root, 'scratch'));
    cleanups.unshift(() => restored.stop());
    const copy = await openPostgres(restored.adminUrl.replace(/\/?$/, '/hanbat'), 2);
    cleanups.unshift(() => copy.close());
    const got = await ledgerFingerprint(copy, SERVER_TENANT);
    const [payments] = await copy.query<{ before: number; after: number }>(
      `select count(*) filter (where key like 'before-%')::bigint as before,
              count(*) filter (where key like 'after-%')::bigint as after
       from (select idempotency_key as key from payments where tenant_id = $1
             union all select key from idempotency_keys where tenant_id = $1) as keys`,
      [SERVER_TENANT],
    );
    const sameAsT = JSON.stringify(got) === JSON.stringify(atTarget);
    console.log(JSON.stringify({ atTarget, restored: got, atEnd, payments }, null, 1));
    const audited = await auditAll(copy);
    const ok = sameAsT && payments?.before === count && payments?.after === 0 && audited;
    console.log(
      ok
        ? `restore drill passed: the books at T restored exactly (${got.transfers} transfers), none of the later payments, audit green`
        : 'RESTORE DRILL FAILED',
    );
    return ok;
  } finally {
    for (const cleanup of cleanups)
      await Promise.resolve(cleanup()).catch((error: unknown) => console.error(error));
  }
}

/** Restores given backups to a chosen time into a scratch cluster and audits every tenant. */
async function restoreAndAudit(
  backup: string,
  archive: string,
  target: string | undefined,
): Promise<boolean> {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'hanbat-restore-'));
  const restored = await restore(path.resolve(backup), path.resolve(archive), target, scratch);
  try {
    const copy = await openPostgres(restored.adminUrl.replace(/\/?$/, '/hanbat'), 2);
    try {
      return await auditAll(copy);
    } finally {
      await copy.close();
    }
  } finally {
    restored.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

const ok =
  values.backup && values.archive
    ? await restoreAndAudit(values.backup, values.archive, values.target)
    : await selfContainedDrill();
process.exit(ok ? 0 : 1);
