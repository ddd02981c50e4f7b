import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const WEB_DIR = fileURLToPath(new URL('../../../web/', import.meta.url));
const BUILT_INDEX = path.join(WEB_DIR, 'dist', 'index.html');
const SOURCES = ['src', 'public', 'index.html', 'vite.config.ts'].map((entry) => path.join(WEB_DIR, entry));

function newestChangeMs(entry: string): number {
  if (!existsSync(entry)) return 0;
  const stats = statSync(entry);
  if (!stats.isDirectory()) return stats.mtimeMs;
  return Math.max(0, ...readdirSync(entry).map((name) => newestChangeMs(path.join(entry, name))));
}

/**
 * The suite tests what `npm start` serves: web/dist. `npm test` does not build it, so the suite builds
 * it when it is missing or older than its sources (about two seconds), never serving a stale app.
 */
export function ensureWebBuilt(): void {
  const builtMs = existsSync(BUILT_INDEX) ? statSync(BUILT_INDEX).mtimeMs : 0;
  if (builtMs > Math.max(...SOURCES.map(newestChangeMs))) return;
  console.log('Browser suites: building web/dist (missing or older than web/src)');
  const vite = fileURLToPath(new URL('../../../node_modules/.bin/vite', import.meta.url));
  execFileSync(vite, ['build', '--config', path.join(WEB_DIR, 'vite.config.ts'), '--logLevel', 'warn'], {
    stdio: 'inherit',
  });
}
