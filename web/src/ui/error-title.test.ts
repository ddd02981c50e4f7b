import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { en } from '../i18n/messages.en.js';
import { ko } from '../i18n/messages.ko.js';
import { CODE_KINDS, errorTitleKey } from './error-title.js';

const SERVER_DIR = fileURLToPath(new URL('../../../src/', import.meta.url));

function serverSource(): string {
  return readdirSync(SERVER_DIR, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
    .map((file) => readFileSync(path.join(SERVER_DIR, file), 'utf8'))
    .join('\n');
}

function messageAt(messages: object, key: string): unknown {
  return key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown>)?.[part], messages);
}

describe('the title of an error', () => {
  it('says what a refusal was when its code says more than its status', () => {
    expect(errorTitleKey('OUT_OF_STOCK', 409)).toBe('trust.errorTitles.byKind.outOfStock');
    expect(errorTitleKey('BUDGET_INSUFFICIENT', 409)).toBe('trust.errorTitles.byKind.notEnoughMoney');
    expect(errorTitleKey('ORDER_EXPIRED', 409)).toBe('trust.errorTitles.byKind.expired');
    expect(ko.trust.errorTitles.byKind.outOfStock).toBe('재고가 부족합니다');
    expect(en.trust.errorTitles.byKind.notEnoughMoney).toBe('Not enough budget or balance');
  });

  it('keeps a code’s own title, and falls back to the status for a code that only clashed', () => {
    expect(errorTitleKey('INVALID_CREDENTIALS', 401)).toBe('trust.errorTitles.INVALID_CREDENTIALS');
    expect(errorTitleKey('IDEMPOTENCY_CONFLICT', 409)).toBe('trust.errorTitles.byStatus.status409');
    expect(errorTitleKey('INVALID_INPUT', 400)).toBe('trust.errorTitles.byStatus.status400');
    expect(errorTitleKey('INTERNAL_ERROR', 500)).toBe('trust.errorTitles.byStatus.server');
    expect(errorTitleKey('TEAPOT', 418)).toBe('errors.title');
  });

  it('does not take a title from the object prototype', () => {
    expect(errorTitleKey('toString', 409)).toBe('trust.errorTitles.byStatus.status409');
  });

  it('names only codes the server answers with, each title in both languages', () => {
    const source = serverSource();
    const codes = Object.keys(CODE_KINDS);
    expect(codes.filter((code) => !source.includes(`'${code}'`))).toEqual([]);
    for (const code of codes) {
      const key = errorTitleKey(code, 409);
      expect(messageAt(ko, key), key).toMatch(/\S/);
      expect(messageAt(en, key), key).toMatch(/\S/);
    }
  });
});
