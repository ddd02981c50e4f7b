// `npm start` builds only what changed since the last build: the server (tsc) when src/ or the
// TypeScript settings are newer than dist/, the web app (vite) when web/ is newer than web/dist/.
// Plain Node (no tsx), so it runs before anything is built.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SKIPPED_DIRS = new Set(['node_modules', 'dist', '.git']);
const FILES_MAX = 20_000;

/** The newest modification time (ms) of the files under `paths`, skipping build output; 0 for none. */
export function newestMtimeMs(paths) {
  let newestMs = 0;
  let seen = 0;
  const stack = paths.filter((entry) => existsSync(entry));
  while (stack.length > 0) {
    const entry = stack.pop();
    const stats = statSync(entry);
    if (stats.isDirectory()) {
      for (const child of readdirSync(entry))
        if (!SKIPPED_DIRS.has(child)) stack.push(path.join(entry, child));
      continue;
    }
    seen += 1;
    if (seen > FILES_MAX) throw new Error(`more than ${FILES_MAX} files under ${paths.join(', ')}`);
    newestMs = Math.max(newestMs, stats.mtimeMs);
  }
  return newestMs;
}

/** A build is stale when its stamp file is missing or older than any of its inputs. */
export function isStale(stampFile, inputs) {
  if (!existsSync(stampFile)) return true;
  return newestMtimeMs(inputs) > statSync(stampFile).mtimeMs;
}

const TARGETS = [
  {
    name: 'server',
    stamp: 'dist/cli/main.js',
    inputs: ['src', 'tsconfig.json', 'tsconfig.build.json', 'package.json'],
    command: ['npx', 'tsc', '-p', 'tsconfig.build.json'],
  },
  {
    name: 'web app',
    stamp: 'web/dist/index.html',
    inputs: ['web', 'package.json'],
    command: ['npx', 'vite', 'build', '--config', 'web/vite.config.ts'],
  },
];

/** Builds the stale targets; returns the names of those built. */
export function buildIfStale(root = ROOT) {
  const built = [];
  for (const target of TARGETS) {
    const inputs = target.inputs.map((input) => path.join(root, input));
    if (!isStale(path.join(root, target.stamp), inputs)) continue;
    const [command, ...args] = target.command;
    execFileSync(command, args, { cwd: root, stdio: 'inherit' });
    built.push(target.name);
  }
  return built;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const built = buildIfStale();
  console.log(built.length > 0 ? `built: ${built.join(', ')}` : 'build is up to date');
}
