import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { registerProblemHandlers } from './problem.js';

describe('problem handler', () => {
  it('answers a request that met a failover with a retryable 503, and a fault of ours with 500', async () => {
    const app = Fastify({ logger: false });
    registerProblemHandlers(app);
    app.get('/read-only', async () => {
      throw Object.assign(new Error('cannot execute INSERT in a read-only transaction'), {
        code: '25006',
        severity: 'ERROR',
      });
    });
    app.get('/refused', async () => {
      throw Object.assign(new Error('no writable PostgreSQL among 2 hosts'), { code: 'ECONNREFUSED' });
    });
    app.get('/bug', async () => {
      throw new TypeError('x is undefined');
    });
    for (const url of ['/read-only', '/refused']) {
      const response = await app.inject({ url, headers: { 'accept-language': 'ko' } });
      expect(response.statusCode, url).toBe(503);
      expect(response.headers['retry-after']).toBe('1');
      expect(response.json()).toMatchObject({ code: 'DATABASE_UNAVAILABLE', status: 503 });
      expect(response.json().detail).toContain('멱등키');
    }
    const bug = await app.inject({ url: '/bug' });
    expect(bug.statusCode).toBe(500);
    expect(bug.json().code).toBe('INTERNAL_ERROR');
    await app.close();
  });
});
