import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isStale } from '../../scripts/build-if-stale.mjs';
import { SANDBOX_BANK_PORT_CONVENTIONAL, startSandboxBank } from '../../src/cli/runtime.js';
import { loadConfig } from '../../src/config.js';
import { DEMO_CREDENTIALS } from '../../src/presets/daejeon.js';

const workDir = mkdtempSync(path.join(os.tmpdir(), 'hanbat-first-run-'));
const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const CONFIG_SOURCE = readFileSync(new URL('../../src/config.ts', import.meta.url), 'utf8');

describe('a first run', () => {
  afterAll(() => rmSync(workDir, { recursive: true, force: true }));

  it('starts the sandbox bank on a free port when the conventional one is taken', async () => {
    // 3001 is what the sandbox used to insist on; taken by us here, or by someone else already.
    const taken = SANDBOX_BANK_PORT_CONVENTIONAL;
    const squatter = net.createServer();
    await new Promise<void>((resolve) => {
      squatter.once('error', () => resolve());
      squatter.listen(taken, '127.0.0.1', () => resolve());
    });
    const config = loadConfig({ DATA_DIR: path.join(workDir, 'data'), BANK_SIGNING_SECRET: 'a'.repeat(32) });
    const sandbox = await startSandboxBank(config, '127.0.0.1');
    try {
      expect(sandbox.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(sandbox.url).not.toBe(`http://127.0.0.1:${taken}`);
      expect((await fetch(`${sandbox.url}/health`)).ok).toBe(true);
    } finally {
      await sandbox.bank.close();
    }
    if (squatter.listening) await new Promise((resolve) => squatter.close(resolve));
  });

  it('fails with the setting to change when a configured sandbox port is taken', async () => {
    const squatter = net.createServer();
    const port = await new Promise<number>((resolve) =>
      squatter.listen(0, '127.0.0.1', () => resolve((squatter.address() as net.AddressInfo).port)),
    );
    const config = loadConfig({
      DATA_DIR: path.join(workDir, 'taken'),
      BANK_SIGNING_SECRET: 'a'.repeat(32),
      SANDBOX_BANK_PORT: String(port),
    });
    await expect(startSandboxBank(config, '127.0.0.1')).rejects.toThrow(/is taken.*SANDBOX_BANK_PORT/);
    await new Promise((resolve) => squatter.close(resolve));
  });

  it('prints the same demo sign-ins as the README lists, word for word', () => {
    for (const person of Object.values(DEMO_CREDENTIALS))
      expect(README).toContain(`| ${person.who} | ${person.phone} | ${person.password} |`);
  });

  it("documents every environment variable the server reads, and the web app's addresses", () => {
    const variables = new Set([...CONFIG_SOURCE.matchAll(/env\.([A-Z_]+)/g)].map((match) => match[1]));
    expect(variables.size).toBeGreaterThan(15);
    for (const variable of variables) expect(README).toContain(`| \`${variable}\``);
    for (const address of ['/wallet', '/merchant', '/operator']) expect(README).toContain(address);
  });

  it('rebuilds only when an input is newer than the build', () => {
    const buildDir = mkdtempSync(path.join(workDir, 'build-'));
    const input = path.join(buildDir, 'input.ts');
    const stamp = path.join(buildDir, 'stamp.js');
    writeFileSync(input, 'export {};');
    expect(isStale(stamp, [input])).toBe(true);
    writeFileSync(stamp, '');
    utimesSync(input, new Date('2026-01-01T00:00:00Z'), new Date('2026-01-01T00:00:00Z'));
    utimesSync(stamp, new Date('2026-01-02T00:00:00Z'), new Date('2026-01-02T00:00:00Z'));
    expect(isStale(stamp, [buildDir])).toBe(false);
    utimesSync(input, new Date('2026-01-03T00:00:00Z'), new Date('2026-01-03T00:00:00Z'));
    expect(isStale(stamp, [buildDir])).toBe(true);
  });
});
