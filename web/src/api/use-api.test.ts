import { describe, expect, it } from 'vitest';
import { ApiError } from './problem.js';
import { type KeyedLoadable, loadableFor, loadFailed, loadStarted, loadSucceeded } from './use-api.js';

const badYear = new ApiError(400, 'VALIDATION_FAILED', null);
const loaded2026: KeyedLoadable<{ totalWon: number }> = loadSucceeded('tax:2026', { totalWon: 120_000 });

describe('loaded data belongs to the key it was loaded for', () => {
  it('shows the data for its own key', () => {
    expect(loadableFor(loaded2026, 'tax:2026')).toEqual({
      status: 'ready',
      data: { totalWon: 120_000 },
      error: null,
    });
  });

  it('shows nothing for a new key before its load has started', () => {
    expect(loadableFor(loaded2026, 'tax:1999')).toEqual({ status: 'loading', data: undefined, error: null });
  });

  it('shows nothing while a new key loads', () => {
    const loading = loadStarted(loaded2026, 'tax:2025');
    expect(loadableFor(loading, 'tax:2025')).toEqual({ status: 'loading', data: undefined, error: null });
  });

  it('keeps the data on screen while the same key reloads', () => {
    const reloading = loadStarted(loaded2026, 'tax:2026');
    expect(loadableFor(reloading, 'tax:2026')).toEqual({
      status: 'loading',
      data: { totalWon: 120_000 },
      error: null,
    });
  });

  it('shows the failure without the previous key’s data when a new key fails', () => {
    const failed = loadFailed(loadStarted(loaded2026, 'tax:1999'), 'tax:1999', badYear);
    expect(loadableFor(failed, 'tax:1999')).toEqual({ status: 'failed', data: undefined, error: badYear });
  });

  it('keeps the same key’s data beside the failure of its reload', () => {
    const failed = loadFailed(loadStarted(loaded2026, 'tax:2026'), 'tax:2026', badYear);
    expect(loadableFor(failed, 'tax:2026')).toEqual({
      status: 'failed',
      data: { totalWon: 120_000 },
      error: badYear,
    });
  });

  it('shows neither data nor a failure when there is nothing to load', () => {
    const failed = loadFailed(loaded2026, 'tax:1999', badYear);
    expect(loadableFor(failed, null)).toEqual({ status: 'loading', data: undefined, error: null });
    expect(loadableFor(loaded2026, null)).toEqual({ status: 'loading', data: undefined, error: null });
  });
});
