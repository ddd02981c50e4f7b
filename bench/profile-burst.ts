/**
 * `npx tsx bench/profile-burst.ts`: 256 payments at once through the real HTTP app (fastify inject,
 * every hook and guard) on an in-memory PGlite, twice; prints how many statements and transactions
 * they took. Statement counts do not depend on how busy the machine is, unlike the time it prints.
 */
import { systemClock } from '../src/clock.js';
import { loadConfig } from '../src/config.js';
import type { Database, Sql } from '../src/db/database.js';
import { migrate } from '../src/db/migrate.js';
import { allMigrations } from '../src/db/migrations.js';
import { openPglite } from '../src/db/pglite.js';
import { buildApp } from '../src/http/app.js';
import { createPlatform } from '../src/platform.js';
import { seedBench } from './seed.js';

const PAYMENTS = 256;
const MERCHANTS = 50;

const counts = { statements: 0, transactions: 0 };

/** The database, counting every statement and transaction that goes through it. */
function counted(db: Database): Database {
  const countedSql = (sql: Sql): Sql => ({
    query: (text, params) => {
      counts.statements += 1;
      return sql.query(text, params);
    },
    exec: (script) => sql.exec(script),
  });
  return {
    ...db,
    ...countedSql(db),
    kind: db.kind,
    transaction: (work) => {
      counts.transactions += 1;
      return db.transaction((tx) => work(countedSql(tx)));
    },
    close: () => db.close(),
  };
}

const db = counted(await openPglite(undefined));
await migrate(db, allMigrations);
const platform = createPlatform(loadConfig({}), db, systemClock);
const data = await seedBench(platform, { members: 1000, merchants: MERCHANTS }, console.log);
const app = await buildApp(platform, { logLevel: false });
for (const round of [1, 2]) {
  counts.statements = 0;
  counts.transactions = 0;
  const startedMs = performance.now();
  const codes = await Promise.all(
    Array.from({ length: PAYMENTS }, async (_, index) => {
      const response = await app.inject({
        method: 'POST',
        url: '/v1/me/payments',
        headers: {
          authorization: `Bearer ${data.tokens[index]}`,
          'idempotency-key': `burst-${round}-${index}`,
          'content-type': 'application/json',
        },
        payload: { merchantCode: data.merchantCodes[index % MERCHANTS], amountWon: 1000 },
      });
      return response.statusCode;
    }),
  );
  const ok = codes.filter((code) => code === 201).length;
  console.log(
    `round ${round}: ${ok}/${PAYMENTS} paid in ${(performance.now() - startedMs).toFixed(0)} ms; ` +
      `${counts.statements} statements (${(counts.statements / PAYMENTS).toFixed(2)} a payment), ` +
      `${counts.transactions} transactions`,
  );
}
await app.close();
await db.close();
