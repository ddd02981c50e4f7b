import path from 'node:path';

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  logLevel: string;
  defaultTenantId: string;
  sessionTtlMinutes: number;
  /** First operator of a deployment; without them a demo operator is created and printed. */
  operatorPhone: string | undefined;
  operatorPassword: string | undefined;
}

/** Every setting, its environment variable and its default; documented in the README. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    port: parsePort(env.PORT ?? '3000'),
    host: env.HOST ?? '127.0.0.1',
    dataDir: path.resolve(env.DATA_DIR ?? './data'),
    databaseUrl: env.DATABASE_URL || undefined,
    logLevel: env.LOG_LEVEL ?? 'info',
    defaultTenantId: env.HANBAT_TENANT ?? 'daejeon',
    sessionTtlMinutes: parsePositiveInteger('SESSION_TTL_MINUTES', env.SESSION_TTL_MINUTES ?? '720'),
    operatorPhone: env.HANBAT_OPERATOR_PHONE || undefined,
    operatorPassword: env.HANBAT_OPERATOR_PASSWORD || undefined,
  };
}

function parsePort(raw: string): number {
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`PORT must be 0-65535, got ${raw}`);
  return port;
}

function parsePositiveInteger(name: string, raw: string): number {
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value <= 0)
    throw new Error(`${name} must be a positive integer, got ${raw}`);
  return value;
}
