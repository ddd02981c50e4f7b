import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerProblemHandlers } from './problem.js';
import { isApiPath, registerWebApp } from './web.js';

const INDEX_HTML = '<!doctype html><title>Hanbat</title><div id="root"></div>';

async function appServing(distDir: string): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  registerProblemHandlers(app);
  app.get('/v1/districts', async () => ({ items: [] }));
  app.get('/health', async () => ({ status: 'ok' }));
  await registerWebApp(app, distDir);
  await app.ready();
  return app;
}

describe('the web app served by the platform', () => {
  let distDir: string;
  let app: FastifyInstance;

  beforeEach(async () => {
    distDir = await mkdtemp(path.join(tmpdir(), 'hanbat-web-'));
    await mkdir(path.join(distDir, 'assets'));
    await writeFile(path.join(distDir, 'index.html'), INDEX_HTML);
    await writeFile(path.join(distDir, 'assets', 'index-abc123.js'), 'console.log(1)');
    app = await appServing(distDir);
  });
  afterEach(async () => {
    await app.close();
    await rm(distDir, { recursive: true, force: true });
  });

  it('serves index.html at / and revalidates it on every visit', async () => {
    const response = await app.inject({ method: 'GET', url: '/' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.headers['cache-control']).toBe('no-cache');
    expect(response.body).toBe(INDEX_HTML);
  });

  it('serves hashed assets as immutable', async () => {
    const response = await app.inject({ method: 'GET', url: '/assets/index-abc123.js' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it("answers the app's own routes with index.html, so a reload keeps the screen", async () => {
    for (const url of ['/wallet', '/operator/budgets?year=2021', '/merchant/pos']) {
      const response = await app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(200);
      expect(response.body, url).toBe(INDEX_HTML);
    }
  });

  it('answers a missing file with a 404, never with index.html', async () => {
    const response = await app.inject({ method: 'GET', url: '/assets/index-gone.js' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('serves a file built after the server started, so a rebuild needs no restart', async () => {
    await writeFile(path.join(distDir, 'assets', 'index-new456.js'), 'console.log(2)');
    const response = await app.inject({ method: 'GET', url: '/assets/index-new456.js' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe('console.log(2)');
  });

  it('never serves a file from outside the build', async () => {
    for (const url of [
      '/../package.json',
      '/assets/..%2F..%2Fpackage.json',
      '/%2e%2e/package.json',
      '/bad%E0%A4.js',
    ]) {
      const response = await app.inject({ method: 'GET', url });
      expect(response.statusCode, url).not.toBe(200);
    }
  });

  it('leaves the API routes to the API', async () => {
    expect((await app.inject({ method: 'GET', url: '/v1/districts' })).json()).toEqual({ items: [] });
    expect((await app.inject({ method: 'GET', url: '/health' })).json()).toEqual({ status: 'ok' });
  });

  it('answers an unknown API path with the problem+json 404, not the web app', async () => {
    for (const url of ['/v1/nothing', '/v1/', '/health/deep', '/openapi.json']) {
      const response = await app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(404);
      expect(response.headers['content-type'], url).toMatch(/^application\/problem\+json/);
      expect(response.json(), url).toMatchObject({ code: 'NOT_FOUND' });
    }
  });

  it('answers other methods on unknown paths with the problem+json 404', async () => {
    const response = await app.inject({ method: 'POST', url: '/wallet' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('the platform without a web build', () => {
  it('serves the API only', async () => {
    const app = await appServing(path.join(tmpdir(), 'hanbat-no-such-build'));
    try {
      expect((await app.inject({ method: 'GET', url: '/v1/districts' })).statusCode).toBe(200);
      const home = await app.inject({ method: 'GET', url: '/' });
      expect(home.statusCode).toBe(404);
      expect(home.json()).toMatchObject({ code: 'NOT_FOUND' });
    } finally {
      await app.close();
    }
  });
});

describe('isApiPath', () => {
  it('matches the API prefixes and nothing that merely starts like them', () => {
    expect(['/v1', '/v1/me', '/health', '/docs/', '/docs', '/openapi.json', '/v1?x=1'].every(isApiPath)).toBe(
      true,
    );
    expect(['/', '/wallet', '/v10', '/healthy', '/docsy', '/openapi.jsonx'].some(isApiPath)).toBe(false);
  });
});
