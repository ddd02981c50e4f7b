import rateLimit from '@fastify/rate-limit';
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

  it("gives the framework's and plugins' client errors a stable code and a Korean message", async () => {
    const app = Fastify({ logger: false });
    registerProblemHandlers(app);
    await app.register(rateLimit, { global: false });
    app.post(
      '/echo',
      { config: { rateLimit: { max: 1, timeWindow: '1 hour' } } },
      async (request) => request.body,
    );
    const first = await app.inject({ method: 'POST', url: '/echo', payload: { a: 1 } });
    expect(first.statusCode).toBe(200);
    const limited = await app.inject({ method: 'POST', url: '/echo', payload: { a: 1 } });
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toMatchObject({
      code: 'RATE_LIMITED',
      messages: { ko: expect.stringContaining('잠시 후') },
    });

    const app2 = Fastify({ logger: false });
    registerProblemHandlers(app2);
    app2.post('/echo', async (request) => request.body);
    const badJson = await app2.inject({
      method: 'POST',
      url: '/echo',
      headers: { 'content-type': 'application/json' },
      payload: '{"a":',
    });
    expect(badJson.statusCode).toBe(400);
    expect(badJson.json()).toMatchObject({
      code: 'FST_ERR_CTP_INVALID_JSON_BODY',
      messages: { ko: '요청 본문이 올바른 JSON이 아닙니다' },
    });
    const wrongType = await app2.inject({
      method: 'POST',
      url: '/echo',
      headers: { 'content-type': 'text/csv' },
      payload: 'a,b',
    });
    expect(wrongType.statusCode).toBe(415);
    expect(wrongType.json().messages.ko).toContain('Content-Type');
    await Promise.all([app.close(), app2.close()]);
  });

  it('answers a CSV route sent JSON with 415, not with what the parsed JSON lacks', async () => {
    const app = Fastify({ logger: false });
    registerProblemHandlers(app);
    app.addContentTypeParser('text/csv', { parseAs: 'string' }, (_request, body, done) => done(null, body));
    app.post(
      '/upload',
      { schema: { consumes: ['text/csv'], body: { type: 'string', minLength: 1 } } },
      async (request) => ({ length: (request.body as string).length }),
    );
    const asJson = await app.inject({ method: 'POST', url: '/upload', payload: { rows: [] } });
    expect(asJson.statusCode).toBe(415);
    expect(asJson.json()).toMatchObject({ code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE' });
    expect(asJson.json().messages.en).toContain('text/csv');
    // The right type with a body the schema refuses is still a 400 naming what is wrong.
    const emptyCsv = await app.inject({
      method: 'POST',
      url: '/upload',
      headers: { 'content-type': 'text/csv; charset=utf-8' },
      payload: '',
    });
    expect(emptyCsv.statusCode).toBe(400);
    const csv = await app.inject({
      method: 'POST',
      url: '/upload',
      headers: { 'content-type': 'text/csv' },
      payload: 'a,b',
    });
    expect(csv.json()).toEqual({ length: 3 });
    await app.close();
  });
});
