/**
 * `npx tsx bench/commerce-search.ts [listings] [--postgres] [--explain]` (`npm run bench:commerce-search`):
 * shop search latency over SYNTHETIC listings (default 100,000; Korean product names built from word
 * lists, 5 districts, 6 categories, both channels), inserted set-based in batches with the same
 * search text and grams the service computes. Prints p50/p95/p99 of `CatalogueService.search` per
 * query shape (one- to three-syllable Korean terms, filters, price range, a deep cursor page, an empty
 * query) and the load average; `--explain` also prints EXPLAIN ANALYZE of each shape's SQL.
 * A bench, not a test.
 */
import { loadavg } from 'node:os';
import { systemClock } from '../src/clock.js';
import { loadConfig } from '../src/config.js';
import type { Database } from '../src/db/database.js';
import { migrate } from '../src/db/migrate.js';
import { allMigrations } from '../src/db/migrations.js';
import { openPglite } from '../src/db/pglite.js';
import { openPostgres } from '../src/db/postgres.js';
import { gramsOf, normaliseSearchText } from '../src/modules/commerce/search-grams.js';
import { createPlatform } from '../src/platform.js';
import { findPostgresBinDir, startPostgresCluster } from '../test/support/postgres-cluster.js';

const listings = Number(process.argv[2] ?? 100_000);
const usePostgres = process.argv.includes('--postgres');
const explain = process.argv.includes('--explain');
const RUNS = 50;
const BATCH = 2_000;

const ADJECTIVES = ['햇', '유기농', '국산', '수제', '신선한', '맛있는', '대전', '전통', '프리미엄', '할인'];
const NOUNS = [
  '사과',
  '배',
  '딸기',
  '국밥',
  '칼국수',
  '두부',
  '김치',
  '된장',
  '고추장',
  '참기름',
  '떡',
  '빵',
  '커피',
  '녹차',
  '소설',
  '동화책',
  '역사책',
  '요리책',
  '수첩',
  '공책',
  '비누',
  '양말',
  '장갑',
  '도자기',
  '한과',
  '꿀',
  '쌀',
  '잡곡',
];
const UNITS = ['1kg', '5kg', '500g', '세트', '한 그릇', '2인분', '선물용', '10개입'];
const DISTRICTS = ['dong-gu', 'jung-gu', 'seo-gu', 'yuseong-gu', 'daedeok-gu'];
const CATEGORIES = ['food', 'meals', 'books', 'crafts', 'living', 'gifts'];

function pick<T>(items: readonly T[], n: number): T {
  return items[n % items.length] as T;
}

async function seed(db: Database, tenantId: string): Promise<void> {
  const now = new Date();
  for (let start = 0; start < listings; start += BATCH) {
    const rows = Array.from({ length: Math.min(BATCH, listings - start) }, (_, offset) => {
      const i = start + offset;
      const name = `${pick(ADJECTIVES, i * 7)} ${pick(NOUNS, i * 13)} ${pick(UNITS, i * 3)}`;
      const text = normaliseSearchText(`${name} 가게${i % 5_000}`);
      return {
        i,
        name,
        text,
        grams: `{${gramsOf(text)
          .map((gram) => `"${gram}"`)
          .join(',')}}`,
      };
    });
    await db.query(
      `insert into commerce_products (tenant_id, id, merchant_id, channel, name, description, price_won, options, stock,
         available, category_id, district, dong, search_text, search_grams, created_at, updated_at)
       select $1, 'prd_' || i, 'mer_' || (i % 5000), case when i % 3 = 0 then 'delivery' else 'mall' end, name, '',
         1000 + (i * 37 % 90000), '[]', case when i % 3 = 0 then null else 10 end, true,
         ($4::text[])[1 + i % 6], ($5::text[])[1 + i % 5], '둔산동', text, grams::text[],
         $6::timestamptz - i * interval '1 second', $6::timestamptz
       from unnest($2::int[], $3::text[][]) with ordinality as r(i, name)
       join unnest($7::text[], $8::text[]) with ordinality as g(text, grams) on g.ordinality = r.ordinality`,
      [
        tenantId,
        rows.map((row) => row.i),
        rows.map((row) => row.name),
        CATEGORIES,
        DISTRICTS,
        now,
        rows.map((row) => row.text),
        rows.map((row) => row.grams),
      ],
    );
  }
  await db.exec('analyze commerce_products');
}

function percentile(sorted: number[], p: number): number {
  const ordered = [...sorted].sort((a, b) => a - b);
  return ordered[Math.min(ordered.length - 1, Math.floor(p * ordered.length))] as number;
}

function summary(timesMs: number[]): string {
  return [0.5, 0.95, 0.99].map((p) => `p${p * 100} ${percentile(timesMs, p).toFixed(1)} ms`).join(', ');
}

async function main(): Promise<void> {
  const cluster = usePostgres
    ? await startPostgresCluster(findPostgresBinDir() as string, { durable: true })
    : null;
  const db = cluster ? await openPostgres(cluster.adminUrl, 5) : await openPglite(undefined);
  try {
    await migrate(db, allMigrations);
    // Remembers the last statement so `--explain` can run EXPLAIN ANALYZE on exactly what search sent.
    let last: { text: string; params: readonly unknown[] } = { text: '', params: [] };
    const recording: Database = Object.assign(Object.create(db) as Database, {
      query: <Row>(text: string, params: readonly unknown[] = []) => {
        last = { text, params };
        return db.query<Row>(text, params);
      },
    });
    const platform = createPlatform(loadConfig({}), recording, systemClock);
    const tenantId = 'bench';
    const seeded = performance.now();
    await seed(db, tenantId);
    console.log(
      `${listings} synthetic listings seeded in ${((performance.now() - seeded) / 1000).toFixed(1)} s`,
    );
    const queries: Array<[string, Parameters<typeof platform.commerce.catalogue.search>[1]]> = [
      ['q=배 (one syllable)', { q: '배', limit: 20 }],
      ['q=사과 (two syllables)', { q: '사과', limit: 20 }],
      ['q=칼국수 (three)', { q: '칼국수', limit: 20 }],
      ['q=국산 두부 (two words)', { q: '국산 두부', limit: 20 }],
      ['q=꿀 & district & channel', { q: '꿀', district: 'seo-gu', channel: 'mall', limit: 20 }],
      ['category + district', { category: 'books', district: 'yuseong-gu', limit: 20 }],
      ['price range', { priceMinWon: 20_000, priceMaxWon: 21_000, limit: 20 }],
      ['q=두부 + price range', { q: '두부', priceMinWon: 50_000, priceMaxWon: 60_000, limit: 20 }],
      ['category only', { category: 'books', limit: 20 }],
      ['no match', { q: '자동차', limit: 20 }],
      ['empty query', { limit: 20 }],
    ];
    // A deep cursor page: the cursor after the 100th newest listing matching 사과.
    const deep = await platform.commerce.catalogue.search(tenantId, { q: '사과', limit: 100 });
    const tail = deep[deep.length - 1];
    if (tail)
      queries.push([
        'q=사과 page 6 (cursor)',
        { q: '사과', limit: 20, after: { at: tail.createdAt, id: tail.productId } },
      ]);
    const all: number[] = [];
    for (const [name, query] of queries) {
      const timesMs: number[] = [];
      for (let run = 0; run < RUNS; run += 1) {
        const started = performance.now();
        await platform.commerce.catalogue.search(tenantId, query);
        timesMs.push(performance.now() - started);
      }
      all.push(...timesMs);
      console.log(`${name}: ${summary(timesMs)}`);
      if (explain) {
        const plan = await db.query<{ 'QUERY PLAN': string }>(
          `explain (analyze, buffers) ${last.text}`,
          last.params,
        );
        console.log(plan.map((line) => `    ${line['QUERY PLAN']}`).join('\n'));
      }
    }
    console.log(
      `all queries (${usePostgres ? 'PostgreSQL' : 'PGlite'}, ${listings} listings): ${summary(all)}; load average ${loadavg()
        .map((load) => load.toFixed(2))
        .join(' ')}`,
    );
  } finally {
    await db.close();
    cluster?.stop();
  }
}

await main();
