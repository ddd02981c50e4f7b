import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataDirInUseError, lockDataDir } from './data-dir-lock.js';
import { openPglite } from './pglite.js';

describe('one process at a time on an embedded data directory', () => {
  let dataDir: string;
  let sleeper: ChildProcess | undefined;
  const lockFile = () => path.join(dataDir, 'hanbat.pid');

  beforeEach(() => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'hanbat-lock-'));
  });
  afterEach(() => {
    sleeper?.kill('SIGKILL');
    sleeper = undefined;
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** A live process other than this one, as a second server would be. */
  function otherLiveProcess(): number {
    sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' });
    return sleeper.pid as number;
  }
  const startTicksOf = (pid: number) => {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  };

  it('refuses a second hold while the first lasts, and gives the directory back on release', () => {
    const release = lockDataDir(dataDir);
    expect(() => lockDataDir(dataDir)).toThrow(DataDirInUseError);
    release();
    const again = lockDataDir(dataDir);
    expect(readFileSync(lockFile(), 'utf8')).toMatch(new RegExp(`^${process.pid} `));
    again();
  });

  it('refuses a directory another live process holds, naming it', () => {
    const pid = otherLiveProcess();
    writeFileSync(lockFile(), `${pid} ${startTicksOf(pid)}\n`);
    expect(() => lockDataDir(dataDir)).toThrow(`in use by process ${pid}`);
    expect(readFileSync(lockFile(), 'utf8')).toBe(`${pid} ${startTicksOf(pid)}\n`);
  });

  it('takes at once a lock whose holder is gone (SIGKILL), or whose pid now belongs to another process', async () => {
    const pid = otherLiveProcess();
    writeFileSync(lockFile(), `${pid} 1\n`);
    lockDataDir(dataDir)();
    sleeper?.kill('SIGKILL');
    await new Promise((resolve) => sleeper?.once('exit', resolve));
    writeFileSync(lockFile(), `${pid} ${'9'.repeat(12)}\n`);
    const release = lockDataDir(dataDir);
    expect(readFileSync(lockFile(), 'utf8').split(' ')[0]).toBe(String(process.pid));
    release();
  });

  it('takes a lock left with this process’s own pid by a former life (a restarted container)', () => {
    writeFileSync(lockFile(), `${process.pid} 1\n`);
    lockDataDir(dataDir)();
  });

  it('refuses to open the embedded database twice, and opens it again once closed', async () => {
    const first = await openPglite(dataDir);
    await expect(openPglite(dataDir)).rejects.toThrow(DataDirInUseError);
    await first.close();
    const second = await openPglite(dataDir);
    expect(await second.query<{ one: number }>('select 1 as one')).toEqual([{ one: 1 }]);
    await second.close();
  });
});
