import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** `npm run build:web` writes the web app here; the same path from src/ (tsx) and from dist/ (built). */
export const WEB_DIST_DIR = fileURLToPath(new URL('../../web/dist', import.meta.url));

/** Paths the API owns: a miss under them is the API's problem+json 404, never the web app. */
const API_PATH_PATTERN = /^\/(v1|health|docs|openapi\.json)(\/|\?|$)/;

/** Vite names what it puts in assets/ by content hash, so a browser may keep it for good. */
const HASHED_ASSETS_DIR = 'assets';

/** A path naming a file (`/assets/index-abc.js`, `/favicon.svg`), as opposed to an app route (`/wallet`). */
const FILE_PATH_PATTERN = /\/[^/]+\.[A-Za-z0-9]+$/;

export function isApiPath(url: string): boolean {
  return API_PATH_PATTERN.test(url);
}

/** The file a path names, relative to the build; null when the path is not valid percent-encoding. */
function fileOf(pathname: string): string | null {
  try {
    return decodeURIComponent(pathname.slice(1));
  } catch {
    return null;
  }
}

/**
 * Serves the built web app at `/`: its files as they are on disk now (a rebuild while running is
 * picked up), a missing file as the usual 404, and index.html for any other GET that is not an API
 * path, so the app's own routes (/wallet, /operator/…) survive a reload. Without a build it serves
 * nothing and says so once: the API works either way.
 */
export async function registerWebApp(app: FastifyInstance, distDir: string): Promise<void> {
  if (!existsSync(path.join(distDir, 'index.html'))) {
    app.log.warn({ distDir }, 'web app not built (run npm run build:web): serving the API only');
    return;
  }
  await app.register(fastifyStatic, {
    root: distDir,
    // Routes are ours (below); the plugin only sends files, confined to distDir.
    serve: false,
    // The cache policy is ours, not send's default max-age=0.
    cacheControl: false,
    setHeaders: (response, filePath) => {
      const hashed = path.relative(distDir, filePath).split(path.sep)[0] === HASHED_ASSETS_DIR;
      // Everything else (index.html above all) is revalidated, so a new build is picked up at once.
      response.setHeader('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  app.get('/*', { schema: { hide: true } }, (request, reply) => {
    if (isApiPath(request.url)) return reply.callNotFound();
    const pathname = request.url.split('?')[0] ?? '/';
    if (!FILE_PATH_PATTERN.test(pathname)) return reply.sendFile('index.html');
    const file = fileOf(pathname);
    return file === null ? reply.callNotFound() : reply.sendFile(file);
  });
}
