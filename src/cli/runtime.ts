import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import net from 'node:net';
import { systemClock } from '../clock.js';
import { type Config, loadConfig } from '../config.js';
import { migrate } from '../db/migrate.js';
import { allMigrations } from '../db/migrations.js';
import { openDatabase } from '../db/open.js';
import { HttpBankGateway } from '../modules/bank/http-bank-gateway.js';
import { SandboxBank } from '../modules/bank/sandbox/server.js';
import { assertBootstrapCredentials, BootstrapRefused } from '../modules/members/bootstrap.js';
import { createPlatform, type Platform } from '../platform.js';

/** Opens the configured database, brings its schema up to date and wires the platform. */
export async function openPlatform(config: Config = loadConfig()): Promise<Platform> {
  const db = await openDatabase(config);
  try {
    await migrate(db, allMigrations);
  } catch (error) {
    await db.close();
    throw error;
  }
  const bank = new HttpBankGateway({ baseUrl: bankUrlOf(config), timeoutMs: config.bankTimeoutMs });
  return createPlatform(config, db, systemClock, bank);
}

/** The sandbox bank's port when none is configured, for commands that reach a sandbox run elsewhere. */
export const SANDBOX_BANK_PORT_CONVENTIONAL = 3001;

/** BANK_URL, or the sandbox bank on loopback when it is unset. */
export function bankUrlOf(config: Config): string {
  return config.bankUrl ?? `http://127.0.0.1:${config.sandboxBankPort ?? SANDBOX_BANK_PORT_CONVENTIONAL}`;
}

/**
 * Production mode starts only with its operator's credentials (a strong password) and a real bank: it
 * never falls back to the sandbox bank, whose accounts open with money, unless asked to by name.
 * Checked before anything is opened, so a refusal changes nothing.
 */
export function assertReadyToServe(config: Config): void {
  if (config.mode !== 'production') return;
  if (!config.operatorPhone)
    throw new BootstrapRefused(
      'production mode (HANBAT_MODE=production) needs its first operator: set HANBAT_OPERATOR_PHONE and HANBAT_OPERATOR_PASSWORD',
    );
  assertBootstrapCredentials({
    phone: config.operatorPhone,
    password: config.operatorPassword ?? '',
    phoneVariable: 'HANBAT_OPERATOR_PHONE',
    passwordVariable: 'HANBAT_OPERATOR_PASSWORD',
  });
  if (config.bankUrl || config.sandboxBankOptIn) return;
  throw new Error(
    'production mode needs a real bank: set BANK_URL and BANK_SIGNING_SECRET, or HANBAT_SANDBOX_BANK=1 to run on the sandbox bank (whose accounts open with money)',
  );
}

/**
 * A real bank needs the secret it shares with us; a sandbox that `serve` starts itself can use one
 * made up for this run, since both ends live in this process.
 */
export function withBankSecret(config: Config): Config {
  if (config.bankSigningSecret) return config;
  if (config.bankUrl) throw new Error('BANK_SIGNING_SECRET is required with BANK_URL');
  return { ...config, bankSigningSecret: randomBytes(32).toString('hex') };
}

/**
 * Runs the sandbox bank on its own port with its own PGlite directory. Without SANDBOX_BANK_PORT the
 * system picks a free port; a configured port is probed first, since the process holding it may be a
 * sandbox on the same directory, which a second one would corrupt.
 */
export async function startSandboxBank(
  config: Config,
  host: string,
): Promise<{ bank: SandboxBank; url: string }> {
  if (!config.bankSigningSecret) throw new Error('the sandbox bank needs BANK_SIGNING_SECRET');
  if (config.sandboxBankPort !== undefined) await assertPortFree(host, config.sandboxBankPort);
  // Under DATA_DIR by default, which the platform's database has not created yet on a first start.
  await mkdir(config.sandboxBankDataDir, { recursive: true });
  const bank = await SandboxBank.open({
    dataDir: config.sandboxBankDataDir,
    signingSecret: config.bankSigningSecret,
    callbackUrl: config.sandboxBankCallbackUrl,
    openingBalanceWon: config.sandboxBankOpeningBalanceWon,
    logLevel: config.logLevel,
  });
  try {
    return { bank, url: await bank.listen(host, config.sandboxBankPort ?? 0) };
  } catch (error) {
    await bank.close();
    throw error;
  }
}

function assertPortFree(host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(
              `port ${port} is taken (a sandbox bank already running?): set SANDBOX_BANK_PORT, or BANK_URL to use it`,
            )
          : error,
      ),
    );
    probe.listen({ host, port }, () => probe.close(() => resolve()));
  });
}
