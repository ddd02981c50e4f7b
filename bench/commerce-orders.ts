/**
 * `npx tsx bench/commerce-orders.ts [seconds] [--postgres]` (`npm run bench:commerce-orders`): order
 * throughput through the commerce service in-process (no HTTP). Bench members (funded through the
 * ledger) check out one mall item each from 20 listings of the bench merchants, CONCURRENCY at a time,
 * for `seconds` (default 10); then the merchants ship (capture the hold, pay the cashback) every order
 * placed, CONCURRENCY at a time. Prints checkouts/s and captures/s, the ledger audit and the load
 * average. A bench, not a test.
 */
import { loadavg } from 'node:os';
import { systemClock } from '../src/clock.js';
import { loadConfig } from '../src/config.js';
import { transactionWithRetry } from '../src/db/database.js';
import { migrate } from '../src/db/migrate.js';
import { allMigrations } from '../src/db/migrations.js';
import { openPglite } from '../src/db/pglite.js';
import { openPostgres } from '../src/db/postgres.js';
import type { Order } from '../src/modules/commerce/order-types.js';
import { auditLedger } from '../src/modules/ledger/audit.js';
import { createPlatform } from '../src/platform.js';
import { findPostgresBinDir, startPostgresCluster } from '../test/support/postgres-cluster.js';
import { closedLoop } from './in-process.js';
import { seedBench } from './seed.js';

const seconds = Number(process.argv[2] ?? 10);
const usePostgres = process.argv.includes('--postgres');
const CONCURRENCY = 8;
const MEMBERS = 400;
const LISTINGS = 20;

async function main(): Promise<void> {
  const cluster = usePostgres
    ? await startPostgresCluster(findPostgresBinDir() as string, { durable: true })
    : null;
  const db = cluster ? await openPostgres(cluster.adminUrl, CONCURRENCY + 2) : await openPglite(undefined);
  try {
    await migrate(db, allMigrations);
    const platform = createPlatform(loadConfig({}), db, systemClock);
    const data = await seedBench(platform, { members: MEMBERS, merchants: 10 }, console.log);
    const { tenantId } = data;
    const catalogue = platform.commerce.catalogue;
    await catalogue.createCategory(tenantId, 'usr_bench0000000', {
      categoryId: 'food',
      name: '식품',
      nameEn: 'Food',
    });
    const merchants = await db.query<{ id: string }>(
      `select id from merchants where tenant_id = $1 and id like 'mer_bench%' order by id limit 10`,
      [tenantId],
    );
    const productIds: string[] = [];
    for (let i = 0; i < LISTINGS; i += 1) {
      const merchantId = (merchants[i % merchants.length] as { id: string }).id;
      const product = await catalogue.createProduct(tenantId, merchantId, {
        channel: 'mall',
        name: `벤치 상품 ${i}`,
        priceWon: 1_000 + i * 100,
        stock: 1_000_000,
        categoryId: 'food',
      });
      productIds.push(product.productId);
    }
    await db.exec('analyze');

    const orders = platform.commerce.orders;
    const placed: Order[] = [];
    let serial = 0;
    const checkouts = await closedLoop('checkouts', CONCURRENCY, seconds, async () => {
      serial += 1;
      const memberId = data.memberIds[serial % data.memberIds.length] as string;
      const productId = productIds[serial % productIds.length] as string;
      try {
        const made = await transactionWithRetry(db, (tx) =>
          orders.checkout(tx, tenantId, memberId, { items: [{ productId, quantity: 1 }] }),
        );
        placed.push(...made);
        return { ok: 1, failed: 0 };
      } catch {
        return { ok: 0, failed: 1 };
      }
    });
    let next = 0;
    const captureStarted = performance.now();
    let captured = 0;
    let captureFailed = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < placed.length) {
          const order = placed[next] as Order;
          next += 1;
          try {
            await transactionWithRetry(db, (tx) =>
              orders.advance(tx, tenantId, order.merchantId, order.orderId, {
                status: 'shipped',
                trackingNumber: `BENCH-${order.orderId}`,
              }),
            );
            captured += 1;
          } catch {
            captureFailed += 1;
          }
        }
      }),
    );
    const captureSeconds = (performance.now() - captureStarted) / 1000;
    const audit = await auditLedger(db, tenantId, platform.clock.now());
    const kind = usePostgres ? 'PostgreSQL' : 'PGlite';
    console.log(
      `${kind}, ${CONCURRENCY} concurrent: checkouts ${checkouts.perSecond.toFixed(1)}/s (${checkouts.completed} in ${checkouts.seconds.toFixed(1)} s, ${checkouts.failed} failed); ` +
        `holds captured ${(captured / captureSeconds).toFixed(1)}/s (${captured} in ${captureSeconds.toFixed(1)} s, ${captureFailed} failed); ` +
        `ledger audit ${audit.ok ? 'green' : 'RED'}; load average ${loadavg()
          .map((load) => load.toFixed(2))
          .join(' ')}`,
    );
  } finally {
    await db.close();
    cluster?.stop();
  }
}

await main();
