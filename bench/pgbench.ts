/** PostgreSQL's own limit on this machine: pgbench's TPC-B-like script on the same cluster. */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

export interface PgbenchResult {
  scale: number;
  clients: number;
  threads: number;
  seconds: number;
  tps: number;
}

export function runPgbench(
  binDir: string,
  adminUrl: string,
  options: { scale: number; clients: number; threads: number; seconds: number },
): PgbenchResult {
  const url = new URL(adminUrl);
  // A `host` parameter (a socket directory) wins over the URL's host, as for node-postgres.
  const host = url.searchParams.get('host') ?? url.hostname;
  const connection = ['-h', host, '-p', url.port, '-U', 'postgres'];
  const run = (command: string, args: string[]) => {
    const result = spawnSync(path.join(binDir, command), [...connection, ...args], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`${command} failed: ${result.stderr}`);
    return result.stdout;
  };
  run('createdb', ['pgbench']);
  run('pgbench', ['-i', '-q', '-s', String(options.scale), 'pgbench']);
  const output = run('pgbench', [
    '-c',
    String(options.clients),
    '-j',
    String(options.threads),
    '-T',
    String(options.seconds),
    'pgbench',
  ]);
  const tps = Number(/tps = ([\d.]+)/.exec(output)?.[1] ?? Number.NaN);
  if (!Number.isFinite(tps)) throw new Error(`pgbench printed no tps:\n${output}`);
  return { ...options, tps };
}
