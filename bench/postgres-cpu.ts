import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100;

/** utime + stime (and, with `children`, cutime + cstime: exited children's) of a process, in ticks. */
function ticksOf(pid: number, children: boolean): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start at field 3.
    const fields = stat
      .slice(stat.lastIndexOf(')') + 2)
      .split(' ')
      .map(Number);
    const own = (fields[11] ?? 0) + (fields[12] ?? 0);
    return children ? own + (fields[13] ?? 0) + (fields[14] ?? 0) : own;
  } catch {
    return 0; // the process ended between listing and reading
  }
}

/**
 * CPU seconds used so far by the PostgreSQL server serving `database` (Linux): the postmaster, its
 * live processes and those that exited (counted in the postmaster's children times). Under a shared,
 * loaded machine wall time says little; this says how much work the database did.
 */
export function postgresCpuSeconds(database: string): number {
  const processes = postgresProcesses(database);
  if (!processes) return Number.NaN;
  const live = processes.children.reduce((sum, row) => sum + ticksOf(row.pid, false), 0);
  return (ticksOf(processes.postmaster, true) + live) / TICKS_PER_SECOND;
}

const AUXILIARY = [
  'autovacuum worker',
  'autovacuum launcher',
  'walwriter',
  'checkpointer',
  'background writer',
  'logical replication',
];

/**
 * CPU seconds so far of the cluster's live processes by what they are (`postgres: autovacuum worker`,
 * `postgres: walwriter`, the backends of one database as `backend`…), and of those that exited:
 * where the database's work went, beyond the statements pg_stat_statements times.
 */
export function postgresCpuByKind(database: string): Map<string, number> {
  const byKind = new Map<string, number>();
  const processes = postgresProcesses(database);
  if (!processes) return byKind;
  for (const row of processes.children) {
    const auxiliary = AUXILIARY.find((name) => row.args.startsWith(`postgres: ${name}`));
    const kind = auxiliary ?? (row.args.includes(` ${database} `) ? 'backend' : 'other');
    byKind.set(kind, (byKind.get(kind) ?? 0) + ticksOf(row.pid, false) / TICKS_PER_SECOND);
  }
  byKind.set('exited', ticksOf(processes.postmaster, true) / TICKS_PER_SECOND);
  return byKind;
}

function postgresProcesses(
  database: string,
): { postmaster: number; children: Array<{ pid: number; args: string }> } | null {
  const rows = execFileSync('ps', ['-eo', 'pid=,ppid=,args='], { encoding: 'utf8' })
    .split('\n')
    .map((line) => line.trim().match(/^(\d+)\s+(\d+)\s+(.*)$/))
    .filter((match): match is RegExpMatchArray => match !== null)
    .map(([, pid, ppid, args]) => ({ pid: Number(pid), ppid: Number(ppid), args: args as string }));
  const backend = rows.find((row) => row.args.startsWith(`postgres: `) && row.args.includes(` ${database} `));
  if (!backend) return null;
  return { postmaster: backend.ppid, children: rows.filter((row) => row.ppid === backend.ppid) };
}

/** CPU seconds used so far by one process (Linux): a bench server, say. */
export function processCpuSeconds(pid: number): number {
  return ticksOf(pid, false) / TICKS_PER_SECOND;
}
