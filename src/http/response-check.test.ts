import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { describe, expect, it } from 'vitest';
import { type ResponseCheckOptions, registerResponseCheck } from './response-check.js';

const Receipt = Type.Object({ amountWon: Type.Integer(), note: Type.Union([Type.String(), Type.Null()]) });
const Extended = Type.Intersect([Receipt, Type.Object({ shop: Type.String() })]);

async function appReturning(payload: unknown, options: ResponseCheckOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  registerResponseCheck(app, options);
  app.get('/plain', { schema: { response: { 200: Receipt } } }, async () => payload);
  app.get('/intersect', { schema: { response: { 200: Extended } } }, async () => payload);
  app.get('/undocumented', async () => payload);
  return app;
}

describe('response check', () => {
  it('fails a response whose null the serializer would have written as 0', async () => {
    const app = await appReturning({ amountWon: null, note: null }, {});
    const response = await app.inject({ url: '/plain' });
    expect(response.statusCode).toBe(500);
    await app.close();
  });

  it('fails a field the document does not name, which the serializer would have dropped', async () => {
    const app = await appReturning({ amountWon: 5000, note: null, tenantId: 'daejeon' }, {});
    expect((await app.inject({ url: '/plain' })).statusCode).toBe(500);
    expect((await app.inject({ url: '/intersect' })).statusCode).toBe(500);
    await app.close();
  });

  it('passes a response that matches, intersections included, and routes with no response schema', async () => {
    const app = await appReturning({ amountWon: 5000, note: null, shop: '한밭식당' }, {});
    expect((await app.inject({ url: '/intersect' })).json()).toEqual({
      amountWon: 5000,
      note: null,
      shop: '한밭식당',
    });
    expect((await app.inject({ url: '/undocumented' })).statusCode).toBe(200);
    await app.close();
  });

  it('with a log file, records the difference and still answers', async () => {
    const logFile = path.join(mkdtempSync(path.join(tmpdir(), 'response-check-')), 'differences.jsonl');
    const app = await appReturning({ amountWon: '5000', note: null }, { logFile });
    const response = await app.inject({ url: '/plain' });
    expect(response.statusCode).toBe(200);
    const [difference] = readFileSync(logFile, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(difference).toMatchObject({ route: 'GET /plain', status: 200 });
    expect(difference.errors[0]).toMatchObject({ instancePath: '/amountWon', message: 'must be integer' });
    await app.close();
  });
});
