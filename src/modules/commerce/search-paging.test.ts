import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../../../test/support/databases.js';
import { openTestPlatform, seedTestTenant, type TestPlatform } from '../../../test/support/platform.js';
import { CatalogueService } from './catalogue-service.js';
import { normaliseSearchText } from './search-grams.js';
import type { Channel, Product, ShopQuery } from './types.js';

// A tiny alphabet so that random queries hit often, miss sometimes, and span words.
const SYLLABLES = ['사', '과', '국', '밥', '칼', '수', 'a', 'B'];
const LISTINGS = 40;

/** Search pages, read to the end with the cursor, against the same filter applied in memory. */
describe.each(databaseKinds())('shop search paging on %s', (kind) => {
  let t: TestPlatform;
  let tenantId: string;
  const listed: Array<Product & { text: string }> = [];
  const shopNames = new Map<string, string>();
  /** Position in the database's own order (created_at desc, id desc: ids compare by its collation). */
  const rank = new Map<string, number>();

  beforeAll(async () => {
    t = await openTestPlatform(kind);
    tenantId = await seedTestTenant(t.platform);
    const catalogue = t.platform.commerce.catalogue;
    for (const categoryId of ['food', 'books'])
      await catalogue.createCategory(tenantId, 'usr_test', {
        categoryId,
        name: categoryId,
        nameEn: categoryId,
      });
    const merchants = await t.db.query<{ id: string; name: string }>(
      `select id, name from merchants where tenant_id = $1 and status = 'approved' order by id limit 3`,
      [tenantId],
    );
    for (const merchant of merchants) shopNames.set(merchant.id, merchant.name);
    const names = fc.sample(
      fc.array(fc.array(fc.constantFrom(...SYLLABLES), { minLength: 1, maxLength: 4 }), {
        minLength: 1,
        maxLength: 3,
      }),
      { numRuns: LISTINGS, seed: 14 },
    );
    for (const [i, words] of names.entries()) {
      // Every third listing shares its second with the one before: ties broken by id.
      if (i % 3 !== 1) t.clock.advanceMs(1_000);
      const merchant = merchants[i % merchants.length] as { id: string; name: string };
      const channel: Channel = i % 2 === 0 ? 'mall' : 'delivery';
      const product = await catalogue.createProduct(tenantId, merchant.id, {
        channel,
        name: words.map((word) => word.join('')).join(' '),
        priceWon: 1_000 + (i % 5) * 1_000,
        ...(channel === 'mall' ? { stock: 5 } : {}),
        categoryId: i % 4 === 0 ? 'books' : 'food',
      });
      listed.push({ ...product, text: normaliseSearchText(`${product.name}  ${merchant.name}`) });
    }
    const ordered = await t.db.query<{ id: string }>(
      `select id from commerce_products where tenant_id = $1 order by created_at desc, id desc`,
      [tenantId],
    );
    for (const [position, row] of ordered.entries()) rank.set(row.id, position);
  });
  afterAll(async () => {
    await t.close();
  });

  function expected(query: Omit<ShopQuery, 'limit'>): string[] {
    const terms = normaliseSearchText(query.q ?? '')
      .split(' ')
      .filter((term) => term.length > 0);
    return listed
      .filter(
        (product) =>
          terms.every((term) => product.text.includes(term)) &&
          (query.category === undefined || product.categoryId === query.category) &&
          (query.channel === undefined || product.channel === query.channel) &&
          (query.priceMaxWon === undefined || product.priceWon <= query.priceMaxWon),
      )
      .sort((a, b) => (rank.get(a.productId) ?? 0) - (rank.get(b.productId) ?? 0))
      .map((product) => product.productId);
  }

  async function allPages(catalogue: CatalogueService, query: ShopQuery): Promise<string[]> {
    const found: string[] = [];
    let after: ShopQuery['after'] = null;
    for (let page = 0; page <= LISTINGS; page += 1) {
      const items = await catalogue.search(tenantId, { ...query, after });
      found.push(...items.map((item) => item.productId));
      const last = items[items.length - 1];
      if (!last || items.length < query.limit) return found;
      after = { at: last.createdAt, id: last.productId };
    }
    throw new Error('paging did not end');
  }

  it('finds every match exactly once, in order, whether the recent window or the gram index answers', async () => {
    const platformSearch = t.platform.commerce.catalogue;
    // A window of 3 listings: most pages are answered by the gram-index step.
    const narrowSearch = new CatalogueService(
      t.db,
      t.clock,
      { merchants: t.platform.merchants, operatorActions: t.platform.operatorActions },
      3,
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.constantFrom(...SYLLABLES), { minLength: 1, maxLength: 3 }), { maxLength: 2 }),
        fc.option(fc.constantFrom('food', 'books'), { nil: undefined }),
        fc.option(fc.constantFrom<Channel>('mall', 'delivery'), { nil: undefined }),
        fc.option(fc.constantFrom(2_000, 4_000), { nil: undefined }),
        fc.integer({ min: 1, max: 7 }),
        async (words, category, channel, priceMaxWon, limit) => {
          const filters = {
            q: words.map((word) => word.join('')).join(' '),
            ...(category ? { category } : {}),
            ...(channel ? { channel } : {}),
            ...(priceMaxWon ? { priceMaxWon } : {}),
          };
          const want = expected(filters);
          expect(await allPages(platformSearch, { ...filters, limit })).toEqual(want);
          expect(await allPages(narrowSearch, { ...filters, limit })).toEqual(want);
        },
      ),
      { numRuns: 25 },
    );
  });
});
