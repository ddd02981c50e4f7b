/**
 * Worker scripts in their own OS processes, released together: each prints `{"ready":true}` when it
 * is set up, waits for `go` on stdin, and prints its JSON report (`{"ok":…}`) as its last line.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface WorkerProcess<Report> {
  ready: Promise<void>;
  go: () => void;
  done: Promise<Report>;
}

/** Runs `script` (a path from the project root) under tsx with `args` as JSON; resolves with its report. */
function startWorkerProcess<Report>(script: string, args: unknown, timeoutMs: number): WorkerProcess<Report> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(projectRoot, script), JSON.stringify(args)],
    {
      cwd: projectRoot,
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: timeoutMs,
    },
  );
  let stdout = '';
  let stderr = '';
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    if (stdout.includes('{"ready":true}\n')) markReady();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const done = new Promise<Report>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      const last = stdout.trim().split('\n').at(-1) ?? '';
      if (code !== 0 || !last.startsWith('{"ok"')) {
        reject(new Error(`${script} exited with ${code ?? signal}:\n${stderr}\n${stdout}`));
        return;
      }
      resolve(JSON.parse(last) as Report);
    });
  });
  // A worker that dies before signalling readiness must not leave the barrier waiting forever.
  done.catch(() => markReady());
  return { ready, go: () => child.stdin.end('go\n'), done };
}

/** Starts one process per args, releases them together once all are ready, and returns their reports. */
export async function raceWorkerProcesses<Args, Report>(
  script: string,
  argsList: readonly Args[],
  timeoutMs: number,
): Promise<Report[]> {
  const workers = argsList.map((args) => startWorkerProcess<Report>(script, args, timeoutMs));
  await Promise.all(workers.map((worker) => worker.ready));
  for (const worker of workers) worker.go();
  // Wait for every process to exit before reporting, so none outlives the test's database.
  const settled = await Promise.allSettled(workers.map((worker) => worker.done));
  return settled.map((outcome) => {
    if (outcome.status === 'rejected') throw outcome.reason;
    return outcome.value;
  });
}
