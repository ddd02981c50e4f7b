import { describe, expect, it } from 'vitest';
import { HEAP_GROWING_PERCENT_DEFAULT, loadConfig } from './config.js';

describe("serve's heap growth setting", () => {
  it('defaults to a bounded growth and takes 0 as V8 choosing', () => {
    expect(loadConfig({}).heapGrowingPercent).toBe(HEAP_GROWING_PERCENT_DEFAULT);
    expect(HEAP_GROWING_PERCENT_DEFAULT).toBeGreaterThan(0);
    expect(loadConfig({ HANBAT_HEAP_GROWING_PERCENT: '0' }).heapGrowingPercent).toBe(0);
    expect(loadConfig({ HANBAT_HEAP_GROWING_PERCENT: '75' }).heapGrowingPercent).toBe(75);
  });

  it.each(['-1', '1.5', 'abc', ' ', '1e400'])('refuses %j by name', (raw) => {
    expect(() => loadConfig({ HANBAT_HEAP_GROWING_PERCENT: raw })).toThrow(
      /HANBAT_HEAP_GROWING_PERCENT must be a whole number of 0 or more/,
    );
  });
});

describe("background jobs' pacing", () => {
  it('rests three times each page by default on both databases, and takes 0 as unpaced', () => {
    expect(loadConfig({}).background.restRatio).toBe(3);
    expect(loadConfig({ DATABASE_URL: 'postgres://x@localhost/y' }).background.restRatio).toBe(3);
    expect(loadConfig({ HANBAT_BACKGROUND_REST_RATIO: '0' }).background.restRatio).toBe(0);
    expect(loadConfig({ HANBAT_BACKGROUND_REST_RATIO: '1.5' }).background.restRatio).toBe(1.5);
  });

  it.each(['-1', '101', 'abc', ' ', ''])('refuses %j by name', (raw) => {
    expect(() => loadConfig({ HANBAT_BACKGROUND_REST_RATIO: raw })).toThrow(
      /HANBAT_BACKGROUND_REST_RATIO must be a number from 0 to 100/,
    );
  });
});
