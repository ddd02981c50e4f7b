import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const START_TIMEOUT_MS = 180_000;
const POLL_INTERVAL_MS = 250;
const STOP_TIMEOUT_MS = 10_000;

export interface RunningServer {
  url: string;
  /** What the server printed so far (its start banner first). */
  output(): string;
  stop(): Promise<void>;
}

/** A port nobody listens on right now (the OS picks it; it is released before the server binds it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

async function waitUntilHealthy(url: string, server: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`the server exited with ${server.exitCode}:\n${output()}`);
    const healthy = await fetch(`${url}/health`).then(
      (response) => response.ok,
      () => false,
    );
    if (healthy) return;
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
  throw new Error(`the server did not become healthy within ${START_TIMEOUT_MS} ms:\n${output()}`);
}

/**
 * `hanbat serve` as a person runs it: the real CLI on the embedded database, in a fresh data
 * directory, on free ports, with the Daejeon preset and its demo people seeded on start.
 */
export async function startServer(env: Record<string, string> = {}): Promise<RunningServer> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'hanbat-e2e-'));
  const [port, bankPort] = [await freePort(), await freePort()];
  const url = `http://127.0.0.1:${port}`;
  let output = '';
  const server = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve'], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(port),
      DATA_DIR: path.join(dataDir, 'platform'),
      SANDBOX_BANK_PORT: String(bankPort),
      SANDBOX_BANK_DATA_DIR: path.join(dataDir, 'bank'),
      LOG_LEVEL: 'warn',
      DATABASE_URL: '',
      HANBAT_OPERATOR_PHONE: '',
      HANBAT_OPERATOR_PASSWORD: '',
      // The synthetic demo month costs seconds per start; the policy-lab journey asks for it.
      HANBAT_DEMO_HISTORY: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  server.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const stop = async () => {
    if (server.exitCode === null) {
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGTERM');
      const timer = setTimeout(() => server.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    }
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    await waitUntilHealthy(url, server, () => output);
    await assertServesWebApp(url);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, output: () => output, stop };
}

/** Fails with the fix when the platform answers `/` with the API's 404 instead of the web app. */
async function assertServesWebApp(url: string): Promise<void> {
  const response = await fetch(url);
  const body = await response.text();
  if (!response.ok || !body.includes('<div id="root">')) {
    throw new Error(
      `GET / did not return the web app (status ${response.status}): src/http/app.ts must call registerWebApp(app, WEB_DIST_DIR) from src/http/web.ts`,
    );
  }
}
