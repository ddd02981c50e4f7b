import path from 'node:path';
import { PGLITE_SHARED_BUFFERS_MB_DEFAULT } from './db/pglite.js';
import { type BackgroundLimits, REST_RATIO_MAX } from './modules/scheduler/scheduler.js';
import { type ClusterConfig, loadClusterConfig } from './modules/tenant-directory/cluster-config.js';

/** 'production' refuses published credentials, weak operator passwords and an unasked-for sandbox bank. */
export type Mode = 'demo' | 'production';

export interface Config extends ClusterConfig {
  mode: Mode;
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
  /** The platform administrator (creates tenants); both or neither. Never defaulted. */
  platformAdminPhone: string | undefined;
  platformAdminPassword: string | undefined;
  /** Required as a bearer token by GET /metrics when set; unset, /metrics is open (bind it privately). */
  metricsToken: string | undefined;
  /** How long SIGTERM waits for in-flight requests and batches before the process exits anyway. */
  shutdownTimeoutMs: number;
  /** The bank API; unset, `serve` runs the sandbox bank (in production mode only with `sandboxBankOptIn`). */
  bankUrl: string | undefined;
  /** HANBAT_SANDBOX_BANK=1: production mode may run without a real bank, on the sandbox. */
  sandboxBankOptIn: boolean;
  /** HANBAT_DEMO_FRAUD_RING=0: a demo start plants no fraud ring (tests that count every payment). */
  demoFraudRing: boolean;
  /** HANBAT_DEMO_HISTORY=0: a demo start generates no synthetic month for the dashboards (tests that count). */
  demoHistory: boolean;
  /** Verifies the bank's callbacks (and signs them, in the sandbox); `serve` makes one up for its own sandbox. */
  bankSigningSecret: string | undefined;
  bankTimeoutMs: number;
  /** Unset: a free port the system picks, so a taken port never stops the platform. */
  sandboxBankPort: number | undefined;
  sandboxBankDataDir: string;
  sandboxBankOpeningBalanceWon: number;
  /** Where the sandbox bank posts callbacks; by default the platform on this host's PORT. */
  sandboxBankCallbackUrl: string;
  /** Ed25519 private key (PEM) signing public checkpoints, or a file holding it; never stored in the database. */
  checkpointKeyPem: string | undefined;
  checkpointKeyFile: string | undefined;
  /** Page size and time budget of each scheduled job run (event consumers): see `backgroundLimitsOf`. */
  background: BackgroundLimits;
  /**
   * How far V8 lets `serve`'s heap grow past what the last full collection kept (percent; 0: V8's own
   * choice, up to 4×). Under payment traffic V8's own choice held ~2.5× the live heap (docs/engine.md).
   */
  heapGrowingPercent: number;
}

const BANK_TIMEOUT_MS_MAX = 60_000;
const SIGNING_SECRET_LENGTH_MIN = 16;

/** Every setting, its environment variable and its default; documented in the README. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const dataDir = path.resolve(env.DATA_DIR ?? './data');
  return {
    mode: modeOf(env),
    port: parsePort(env.PORT ?? '3000'),
    host: env.HOST ?? '127.0.0.1',
    dataDir,
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
    ...loadPlatformAdmin(env),
    ...loadClusterConfig(env),
    metricsToken: env.HANBAT_METRICS_TOKEN || undefined,
    shutdownTimeoutMs: parsePositiveInteger('SHUTDOWN_TIMEOUT_MS', env.SHUTDOWN_TIMEOUT_MS ?? '30000'),
    ...loadBankConfig(env, dataDir),
    checkpointKeyPem: env.HANBAT_CHECKPOINT_KEY || undefined,
    checkpointKeyFile: env.HANBAT_CHECKPOINT_KEY_FILE
      ? path.resolve(env.HANBAT_CHECKPOINT_KEY_FILE)
      : undefined,
    background: backgroundLimitsOf(env),
    heapGrowingPercent: parseNonNegativeInteger(
      'HANBAT_HEAP_GROWING_PERCENT',
      env.HANBAT_HEAP_GROWING_PERCENT ?? String(HEAP_GROWING_PERCENT_DEFAULT),
    ),
  };
}

export const HEAP_GROWING_PERCENT_DEFAULT = 30;

/**
 * On the embedded database a background page holds the server's one connection while requests wait
 * (one page at a time, see PriorityGate), so pages are small; a PostgreSQL server has a pool.
 */
export const BACKGROUND_LIMITS_DEFAULT = {
  pglite: { pageItems: 200, runBudgetMs: 250, restRatio: 3 },
  postgres: { pageItems: 2_000, runBudgetMs: 2_000, restRatio: 3 },
} as const satisfies Record<string, BackgroundLimits>;

function backgroundLimitsOf(env: NodeJS.ProcessEnv): BackgroundLimits {
  const defaults = BACKGROUND_LIMITS_DEFAULT[env.DATABASE_URL ? 'postgres' : 'pglite'];
  return {
    pageItems: parsePositiveInteger(
      'HANBAT_BACKGROUND_PAGE_ITEMS',
      env.HANBAT_BACKGROUND_PAGE_ITEMS ?? String(defaults.pageItems),
    ),
    runBudgetMs: parsePositiveInteger(
      'HANBAT_BACKGROUND_RUN_BUDGET_MS',
      env.HANBAT_BACKGROUND_RUN_BUDGET_MS ?? String(defaults.runBudgetMs),
    ),
    restRatio: parseRestRatio(env.HANBAT_BACKGROUND_REST_RATIO ?? String(defaults.restRatio)),
  };
}

/** Configuring a real operator is a production deployment even when HANBAT_MODE is left unset. */
function modeOf(env: NodeJS.ProcessEnv): Mode {
  const mode = env.HANBAT_MODE || undefined;
  if (mode !== undefined && mode !== 'demo' && mode !== 'production')
    throw new Error(`HANBAT_MODE must be demo or production, got ${mode}`);
  return mode === 'production' || env.HANBAT_OPERATOR_PHONE ? 'production' : 'demo';
}

function loadPlatformAdmin(env: NodeJS.ProcessEnv) {
  const platformAdminPhone = env.HANBAT_PLATFORM_ADMIN_PHONE || undefined;
  const platformAdminPassword = env.HANBAT_PLATFORM_ADMIN_PASSWORD || undefined;
  if ((platformAdminPhone === undefined) !== (platformAdminPassword === undefined))
    throw new Error('set both HANBAT_PLATFORM_ADMIN_PHONE and HANBAT_PLATFORM_ADMIN_PASSWORD, or neither');
  return { platformAdminPhone, platformAdminPassword };
}

function loadBankConfig(env: NodeJS.ProcessEnv, dataDir: string) {
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
    sandboxBankOptIn: parseFlag('HANBAT_SANDBOX_BANK', env.HANBAT_SANDBOX_BANK),
    demoFraudRing: parseFlag('HANBAT_DEMO_FRAUD_RING', env.HANBAT_DEMO_FRAUD_RING ?? '1'),
    demoHistory: parseFlag('HANBAT_DEMO_HISTORY', env.HANBAT_DEMO_HISTORY ?? '1'),
    bankSigningSecret,
    bankTimeoutMs,
    sandboxBankPort: env.SANDBOX_BANK_PORT
      ? parsePort(env.SANDBOX_BANK_PORT, 'SANDBOX_BANK_PORT')
      : undefined,
    sandboxBankDataDir: env.SANDBOX_BANK_DATA_DIR
      ? path.resolve(env.SANDBOX_BANK_DATA_DIR)
      : path.join(dataDir, 'sandbox-bank'),
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

function parseFlag(name: string, raw: string | undefined): boolean {
  if (raw === undefined || raw === '' || raw === '0' || raw === 'false') return false;
  if (raw === '1' || raw === 'true') return true;
  throw new Error(`${name} must be 1 or 0, got ${raw}`);
}

function parsePort(raw: string, name = 'PORT'): number {
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`${name} must be 0-65535, got ${raw}`);
  return port;
}

function parseNonNegativeInteger(name: string, raw: string): number {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isSafeInteger(value) || value < 0)
    throw new Error(`${name} must be a whole number of 0 or more, got ${raw}`);
  return value;
}

function parseRestRatio(raw: string): number {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < 0 || value > REST_RATIO_MAX)
    throw new Error(`HANBAT_BACKGROUND_REST_RATIO must be a number from 0 to ${REST_RATIO_MAX}, got ${raw}`);
  return value;
}

function parsePositiveInteger(name: string, raw: string): number {
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value <= 0)
    throw new Error(`${name} must be a positive integer, got ${raw}`);
  return value;
}
