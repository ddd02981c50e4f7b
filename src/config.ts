import path from 'node:path';
import { PGLITE_SHARED_BUFFERS_MB_DEFAULT } from './db/pglite.js';

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  /** shared_buffers of the embedded database, in MB. */
  pgliteSharedBuffersMb: number;
  logLevel: string;
  defaultTenantId: string;
  sessionTtlMinutes: number;
  /** First operator of a deployment; without them a demo operator is created and printed. */
  operatorPhone: string | undefined;
  operatorPassword: string | undefined;
  /** The bank API; unset, `serve` runs the sandbox bank on `sandboxBankPort` and uses it. */
  bankUrl: string | undefined;
  /** Verifies the bank's callbacks (and signs them, in the sandbox); `serve` makes one up for its own sandbox. */
  bankSigningSecret: string | undefined;
  bankTimeoutMs: number;
  sandboxBankPort: number;
  sandboxBankDataDir: string;
  sandboxBankOpeningBalanceWon: number;
  /** Where the sandbox bank posts callbacks; by default the platform on this host's PORT. */
  sandboxBankCallbackUrl: string;
  /** Ed25519 private key (PEM) signing public checkpoints, or a file holding it; never stored in the database. */
  checkpointKeyPem: string | undefined;
  checkpointKeyFile: string | undefined;
}

const BANK_TIMEOUT_MS_MAX = 60_000;
const SIGNING_SECRET_LENGTH_MIN = 16;

/** Every setting, its environment variable and its default; documented in the README. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    port: parsePort(env.PORT ?? '3000'),
    host: env.HOST ?? '127.0.0.1',
    dataDir: path.resolve(env.DATA_DIR ?? './data'),
    databaseUrl: env.DATABASE_URL || undefined,
    pgliteSharedBuffersMb: parsePositiveInteger(
      'PGLITE_SHARED_BUFFERS_MB',
      env.PGLITE_SHARED_BUFFERS_MB ?? String(PGLITE_SHARED_BUFFERS_MB_DEFAULT),
    ),
    logLevel: env.LOG_LEVEL ?? 'info',
    defaultTenantId: env.HANBAT_TENANT ?? 'daejeon',
    sessionTtlMinutes: parsePositiveInteger('SESSION_TTL_MINUTES', env.SESSION_TTL_MINUTES ?? '720'),
    operatorPhone: env.HANBAT_OPERATOR_PHONE || undefined,
    operatorPassword: env.HANBAT_OPERATOR_PASSWORD || undefined,
    ...loadBankConfig(env),
    checkpointKeyPem: env.HANBAT_CHECKPOINT_KEY || undefined,
    checkpointKeyFile: env.HANBAT_CHECKPOINT_KEY_FILE
      ? path.resolve(env.HANBAT_CHECKPOINT_KEY_FILE)
      : undefined,
  };
}

function loadBankConfig(env: NodeJS.ProcessEnv) {
  const bankUrl = env.BANK_URL ? parseHttpUrl('BANK_URL', env.BANK_URL) : undefined;
  const bankSigningSecret = env.BANK_SIGNING_SECRET || undefined;
  if (bankSigningSecret !== undefined && bankSigningSecret.length < SIGNING_SECRET_LENGTH_MIN)
    throw new Error(`BANK_SIGNING_SECRET must be at least ${SIGNING_SECRET_LENGTH_MIN} characters`);
  const bankTimeoutMs = parsePositiveInteger('BANK_TIMEOUT_MS', env.BANK_TIMEOUT_MS ?? '5000');
  if (bankTimeoutMs > BANK_TIMEOUT_MS_MAX)
    throw new Error(`BANK_TIMEOUT_MS must be at most ${BANK_TIMEOUT_MS_MAX}, got ${bankTimeoutMs}`);
  const platformPort = parsePort(env.PORT ?? '3000');
  return {
    bankUrl,
    bankSigningSecret,
    bankTimeoutMs,
    sandboxBankPort: parsePort(env.SANDBOX_BANK_PORT ?? '3001', 'SANDBOX_BANK_PORT'),
    sandboxBankDataDir: path.resolve(env.SANDBOX_BANK_DATA_DIR ?? './data-sandbox-bank'),
    sandboxBankOpeningBalanceWon: parsePositiveInteger(
      'SANDBOX_BANK_OPENING_BALANCE_WON',
      env.SANDBOX_BANK_OPENING_BALANCE_WON ?? '10000000',
    ),
    sandboxBankCallbackUrl: parseHttpUrl(
      'SANDBOX_BANK_CALLBACK_URL',
      env.SANDBOX_BANK_CALLBACK_URL ?? `http://127.0.0.1:${platformPort}/v1/bank/callbacks`,
    ),
  };
}

function parseHttpUrl(name: string, raw: string): string {
  const protocol = URL.canParse(raw) ? new URL(raw).protocol : undefined;
  if (protocol !== 'http:' && protocol !== 'https:')
    throw new Error(`${name} must be an http(s) URL, got ${raw}`);
  return raw;
}

function parsePort(raw: string, name = 'PORT'): number {
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`${name} must be 0-65535, got ${raw}`);
  return port;
}

function parsePositiveInteger(name: string, raw: string): number {
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value <= 0)
    throw new Error(`${name} must be a positive integer, got ${raw}`);
  return value;
}
