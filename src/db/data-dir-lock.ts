import { linkSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const LOCK_FILE = 'hanbat.pid';
const TAKE_ATTEMPTS_MAX = 3;
/** Directories this process holds: its own pid in a lock it did not take is a former life's. */
const held = new Set<string>();

/** The embedded database's directory is open in another live process. */
export class DataDirInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holderPid: number,
  ) {
    super(
      `the data directory ${dataDir} is in use by process ${holderPid} (a running server or command); ` +
        'stop it first, or give this one its own DATA_DIR. Two processes on one embedded database would ' +
        'each keep their own copy of the books and corrupt them.',
    );
    this.name = 'DataDirInUseError';
  }
}

/**
 * One process at a time on an embedded database directory: PGlite keeps the database in the process,
 * so a second process on the same files writes over the first. The lock is a file naming the holder's
 * pid, taken atomically (a hard link of a file already written), and released on close. A holder that
 * died without releasing it (SIGKILL, power loss) leaves a pid that no longer runs: the next process
 * takes the lock at once, so a restart after a crash never waits. (An mtime-refreshed lock, as
 * proper-lockfile keeps, would hold a killed server's directory until it went stale.)
 * Returns the release.
 */
export function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const lockPath = path.join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < TAKE_ATTEMPTS_MAX; attempt += 1) {
    if (tryCreate(lockPath)) {
      held.add(lockPath);
      return () => release(lockPath);
    }
    const holder = readHolder(lockPath);
    if (holder !== null && isLive(holder, lockPath)) throw new DataDirInUseError(dataDir, holder.pid);
    setAsideStale(lockPath);
  }
  throw new DataDirInUseError(dataDir, readHolder(lockPath)?.pid ?? -1);
}

interface Holder {
  pid: number;
  /** When the process started (Linux clock ticks since boot), so a reused pid is not taken for it. */
  startTicks: string | null;
}

function tryCreate(lockPath: string): boolean {
  const staged = `${lockPath}.${process.pid}`;
  writeFileSync(staged, `${process.pid} ${startTicksOf(process.pid) ?? ''}\n`);
  try {
    linkSync(staged, lockPath);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    unlinkSync(staged);
  }
}

function readHolder(lockPath: string): Holder | null {
  try {
    const [pidText, startTicks] = readFileSync(lockPath, 'utf8').trim().split(' ');
    const pid = Number.parseInt(pidText ?? '', 10);
    return Number.isSafeInteger(pid) && pid > 0 ? { pid, startTicks: startTicks || null } : null;
  } catch {
    return null;
  }
}

/**
 * The holder still runs: this very process if it took the lock itself; otherwise a process with its
 * pid exists (signal 0; EPERM means it does, under another user) and, where Linux says when processes
 * started, started when the holder did. After a container restart the same pid is someone else.
 */
function isLive(holder: Holder, lockPath: string): boolean {
  if (holder.pid === process.pid) return held.has(lockPath);
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const startTicks = startTicksOf(holder.pid);
  return holder.startTicks === null || startTicks === null || startTicks === holder.startTicks;
}

/** Field 22 of /proc/PID/stat (after the parenthesised command name, which may hold spaces). */
function startTicksOf(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

/** A rename succeeds for one process only, so two starting at once cannot both take a stale lock. */
function setAsideStale(lockPath: string): void {
  try {
    renameSync(lockPath, `${lockPath}.stale.${process.pid}`);
    unlinkSync(`${lockPath}.stale.${process.pid}`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

function release(lockPath: string): void {
  held.delete(lockPath);
  if (readHolder(lockPath)?.pid === process.pid) unlinkSync(lockPath);
}
