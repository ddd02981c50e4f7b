import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** A throwaway PostgreSQL cluster in a temporary directory, run as `postgres` when we are root. */
export interface PostgresCluster {
  adminUrl: string;
  /**
   * The same database through the cluster's Unix socket: what a server on the database's own machine
   * uses (no TCP loopback in each round trip; `npm run bench` connects this way, pgbench too).
   */
  socketUrl: string;
  stop(): void;
}

export function findPostgresBinDir(): string | undefined {
  const candidates = [process.env.PG_BIN, ...versionedBinDirs(), ...pathBinDirs()].filter(
    Boolean,
  ) as string[];
  return candidates.find(
    (dir) => existsSync(path.join(dir, 'pg_ctl')) && existsSync(path.join(dir, 'initdb')),
  );
}

function versionedBinDirs(): string[] {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .sort((a, b) => Number(b) - Number(a))
    .map((version) => path.join(root, version, 'bin'));
}

function pathBinDirs(): string[] {
  return (process.env.PATH ?? '').split(path.delimiter);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export async function startPostgresCluster(
  binDir: string,
  /** `settings`: more `-c name=value` server settings, e.g. to preload pg_stat_statements for a profile. */
  options: { durable?: boolean; settings?: readonly string[] } = {},
): Promise<PostgresCluster> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hanbat-pg-'));
  const dataDir = path.join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dir, uid, gid);
  }
  const run = (command: string, args: string[]) => {
    const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
    const result = spawnSync(file, argv, { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`${command} failed: ${result.stderr || result.stdout}`);
  };
  run(path.join(binDir, 'initdb'), [
    '-D',
    dataDir,
    '-U',
    'postgres',
    '--auth=trust',
    '-E',
    'UTF8',
    '--no-sync',
  ]);
  const port = await freePort();
  const speed = options.durable ? '' : ' -c fsync=off -c synchronous_commit=off -c full_page_writes=off';
  run(path.join(binDir, 'pg_ctl'), [
    '-D',
    dataDir,
    '-l',
    path.join(dir, 'server.log'),
    '-w',
    '-o',
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=300${speed}${(options.settings ?? []).map((setting) => ` -c ${setting}`).join('')}`,
    'start',
  ]);
  return {
    adminUrl: `postgres://postgres@127.0.0.1:${port}/postgres`,
    socketUrl: `postgres://postgres@127.0.0.1:${port}/postgres?host=${encodeURIComponent(dir)}`,
    stop() {
      try {
        run(path.join(binDir, 'pg_ctl'), ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
