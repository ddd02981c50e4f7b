import { describe, expect, it } from 'vitest';
import { shownPage } from './use-paged.js';

const incoming = { items: ['t1', 't2'], itemsKey: '{"direction":"incoming"}', cursor: 'c2' };

describe('a paged list shows rows only under the filter they were loaded for', () => {
  it('shows the loaded rows and the further pages of their own filter', () => {
    expect(shownPage(incoming, '{"direction":"incoming"}')).toEqual({ items: ['t1', 't2'], hasMore: true });
  });

  it('shows no rows and no further page under a new filter until its first page arrives', () => {
    expect(shownPage(incoming, '{"direction":"outgoing"}')).toEqual({ items: [], hasMore: false });
  });

  it('shows nothing before the first page', () => {
    expect(shownPage({ items: [], itemsKey: null, cursor: null }, 'trail')).toEqual({
      items: [],
      hasMore: false,
    });
  });
});
