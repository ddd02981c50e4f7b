import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
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
const PACKAGE = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
const LOCK = JSON.parse(readFileSync(new URL('../../package-lock.json', import.meta.url), 'utf8'));
// semver ships no types; the two functions used here, typed.
const semver = createRequire(import.meta.url)('semver') as {
  minVersion(range: string): { version: string } | null;
  satisfies(version: string, range: string): boolean;
};

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

  it('installs nothing that needs a newer Node than the engines field promises', () => {
    // The oldest Node the README and engines field promise (>=20.19 → 20.19.0) must satisfy every
    // locked package's own engines field, or `npm install` warns (content-disposition 3, cookie 2 did).
    const promised = semver.minVersion(PACKAGE.engines.node)?.version;
    expect(promised).toBe('20.19.0');
    expect(README).toContain('20.19');
    const packages = Object.entries(LOCK.packages as Record<string, { engines?: { node?: string } }>);
    expect(packages.length).toBeGreaterThan(100);
    const tooNew = packages
      .filter(([name, entry]) => name !== '' && typeof entry.engines?.node === 'string')
      .filter(([, entry]) => !semver.satisfies(promised ?? '', entry.engines?.node ?? ''))
      .map(([name, entry]) => `${name.replace(/^.*node_modules\//, '')} needs node ${entry.engines?.node}`);
    expect(tooNew).toEqual([]);
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
