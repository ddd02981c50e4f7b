import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { migrate } from '../db/migrate.js';
import { allMigrations } from '../db/migrations.js';
import { openPglite } from '../db/pglite.js';
import { LedgerService } from '../modules/ledger/ledger-service.js';

const run = promisify(execFile);
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'hanbat-cli-'));
const CLI_TIMEOUT_MS = 60_000;
/** Each test starts several CLI processes, each compiling TypeScript: minutes on a loaded two-core machine. */
const CLI_TEST_TIMEOUT_MS = 5 * CLI_TIMEOUT_MS;

async function hanbat(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('node', ['--import', 'tsx', 'src/cli/main.ts', ...args], {
      env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '' },
      timeout: CLI_TIMEOUT_MS,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

describe('hanbat CLI on the embedded database', () => {
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it(
    'refuses a simulation month that does not exist and a ring it does not know, naming the choices',
    async () => {
      const month = await hanbat('simulate', '--months', '1', '--members', '10', '--start', '2024-13');
      expect(month.code).toBe(1);
      expect(month.stderr).toContain('--start must be a month, YYYY-MM');
      const ring = await hanbat(
        'simulate',
        '--months',
        '1',
        '--members',
        '10',
        '--fraud',
        'round_trip,nosuch',
      );
      expect(ring.code).toBe(1);
      expect(ring.stderr).toContain('--fraud: unknown nosuch; choose from');
      expect(ring.stderr).not.toContain('is not a function');
    },
    CLI_TEST_TIMEOUT_MS,
  );

  it(
    'documents every command with --help',
    async () => {
      for (const command of ['serve', 'migrate', 'audit', 'seed']) {
        const { code, stdout } = await hanbat(command, '--help');
        expect(code).toBe(0);
        expect(stdout).toContain(`Usage: hanbat ${command}`);
      }
    },
    CLI_TEST_TIMEOUT_MS,
  );

  it(
    'migrates, seeds once, audits green, then fails the audit on a corrupted balance',
    async () => {
      expect((await hanbat('migrate')).stdout).toMatch(/applied migrations|up to date/);
      expect((await hanbat('seed')).stdout).toContain('seeded tenant daejeon');
      expect((await hanbat('seed')).stdout).toContain('already present');

      const db = await openPglite(dataDir);
      await migrate(db, allMigrations);
      const ledger = new LedgerService(db, new ManualClock());
      await ledger.createAccounts('daejeon', [
        { id: 'cli-bank', kind: 'bank_clearing', currencyCode: 'KRW', allowNegative: true },
        { id: 'cli-member', kind: 'member_cash', currencyCode: 'KRW' },
      ]);
      const [result] = await ledger.postTransfers('daejeon', [
        {
          id: 'cli-charge',
          action: 'transfer',
          code: 'charge',
          postings: [
            { accountId: 'cli-bank', amountWon: -50_000 },
            { accountId: 'cli-member', amountWon: 50_000 },
          ],
        },
      ]);
      expect(result?.ok).toBe(true);
      await db.close();

      const green = await hanbat('audit', '--tenant', 'daejeon');
      expect(green.code).toBe(0);
      expect(green.stdout).toContain('RESULT: ledger is consistent');
      // A city that is not there is no clean audit.
      expect((await hanbat('audit', '--tenant', 'daejon')).code).toBe(2);

      const corrupt = await openPglite(dataDir);
      await corrupt.query(
        `update ledger_accounts set posted_won = 60000 where tenant_id = 'daejeon' and id = 'cli-member'`,
      );
      await corrupt.close();

      const red = await hanbat('audit');
      expect(red.code).toBe(1);
      expect(red.stdout).toContain('FAIL  balances_match_journal');
      expect(red.stdout).toContain('account cli-member stores');
      expect(red.stdout).toContain('RESULT: ledger has VIOLATIONS');
    },
    CLI_TEST_TIMEOUT_MS,
  );
});
