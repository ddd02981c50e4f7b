import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** `npm run build:web` writes the web app here; the same path from src/ (tsx) and from dist/ (built). */
export const WEB_DIST_DIR = fileURLToPath(new URL('../../web/dist', import.meta.url));

/** Paths the API owns: a miss under them is the API's problem+json 404, never the web app. */
const API_PATH_PATTERN = /^\/(v1|health|docs|openapi\.json)(\/|\?|$)/;

/** Vite names assets by content hash, so a browser may keep them for good; index.html must be revalidated. */
const IMMUTABLE_ASSET_PATTERN = /[\\/]assets[\\/]/;

export function isApiPath(url: string): boolean {
  return API_PATH_PATTERN.test(url);
}

/**
 * Serves the built web app at `/`: its files as they are, and index.html for any other GET that is not
 * an API path, so the app's own routes (/wallet, /operator/…) survive a reload. Without a build it
 * serves nothing and says so once: the API works either way.
 */
export async function registerWebApp(app: FastifyInstance, distDir: string): Promise<void> {
  if (!existsSync(path.join(distDir, 'index.html'))) {
    app.log.warn({ distDir }, 'web app not built (run npm run build:web): serving the API only');
    return;
  }
  await app.register(fastifyStatic, {
    root: distDir,
    // One route per built file, read at start; the SPA fallback below takes every other GET.
    wildcard: false,
    // The cache policy is ours (below), not send's default max-age=0.
    cacheControl: false,
    setHeaders: (response, filePath) => {
      response.setHeader(
        'cache-control',
        IMMUTABLE_ASSET_PATTERN.test(filePath) ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });
  app.get('/*', { schema: { hide: true } }, (request, reply) => {
    if (isApiPath(request.url)) return reply.callNotFound();
    return reply.header('cache-control', 'no-cache').sendFile('index.html');
  });
}
