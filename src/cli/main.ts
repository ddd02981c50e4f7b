import v8 from 'node:v8';
import { Command } from 'commander';
import { type Config, loadConfig } from '../config.js';
import { migrate } from '../db/migrate.js';
import { allMigrations } from '../db/migrations.js';
import { openDatabase } from '../db/open.js';
import { DomainError } from '../errors.js';
import { APP_VERSION, buildApp } from '../http/app.js';
import { registerJobs } from '../jobs.js';
import { seedDemoCommerce } from '../modules/commerce/demo.js';
import { plantDemoRing } from '../modules/fraud/presets/daejeon-demo-ring.js';
import { auditWithCheckpoints } from '../modules/public-books/audit.js';
import { ensureDemoSigningKeyFile } from '../modules/public-books/signing.js';
import { openClusters, serveClusters } from '../modules/tenant-directory/deployment.js';
import { DAEJEON_TENANT } from '../modules/tenants/presets.js';
import type { Platform } from '../platform.js';
import { DEMO_CREDENTIALS, type SeedOutcome, seedDaejeon } from '../presets/daejeon.js';
import { formatAuditReport } from './audit-report.js';
import {
  assertReadyToServe,
  bankUrlOf,
  openPlatform,
  SANDBOX_BANK_PORT_CONVENTIONAL,
  startSandboxBank,
  withBankSecret,
} from './runtime.js';
import { plantHistory, registerSimulate } from './simulate-command.js';
import { registerTenantCommands } from './tenants-command.js';
import { runVerify } from './verify-command.js';

const SCHEDULER_POLL_MS = 5_000;

const program = new Command()
  .name('hanbat')
  .description('Hanbat regional digital currency platform')
  .version(APP_VERSION)
  .addHelpText(
    'after',
    `
Environment (the README's configuration table lists every variable):
  HANBAT_MODE   demo (default) or production; HANBAT_OPERATOR_PHONE also means production
  PORT          HTTP port (default 3000)
  HOST          HTTP bind address (default 127.0.0.1)
  DATA_DIR      embedded database directory when DATABASE_URL is unset (default ./data)
  DATABASE_URL  PostgreSQL server, e.g. postgres://user:pass@host:5432/hanbat
  LOG_LEVEL     pino level: fatal, error, warn, info, debug, trace (default info)
  HANBAT_CLUSTERS       more PostgreSQL clusters, "name=postgres://… name2=postgres://…"; tenants
                        are placed by the directory on DATABASE_URL's (home) cluster; unset: one database
  HANBAT_HOME_CLUSTER   the DATABASE_URL cluster's name (default main)
  HANBAT_TENANT_CACHE_SIZE  bound of the session/host → tenant lookups per process (default 10000)
  HANBAT_PLATFORM_ADMIN_PHONE / HANBAT_PLATFORM_ADMIN_PASSWORD  the platform administrator, who
                        creates tenants (POST /v1/platform/tenants); unset: nobody can
  HANBAT_DEMO_HISTORY   0: a demo start generates no synthetic month of dashboard history
  HANBAT_METRICS_TOKEN  bearer token GET /metrics requires (unset: /metrics is open)
  HANBAT_HEAP_GROWING_PERCENT  how far serve's heap grows past what a full collection kept
                        (default 30; 0: V8's own choice)
  SHUTDOWN_TIMEOUT_MS   SIGTERM waits this long for requests in flight (default 30000)

Bank:
  BANK_URL                          the bank API; unset, serve runs the sandbox bank itself
                                    (in this process, on SANDBOX_BANK_PORT, with its own storage)
  BANK_SIGNING_SECRET               HMAC secret of the bank's callbacks (16+ chars); required with
                                    BANK_URL and by sandbox-bank; serve makes one up for its own sandbox
  BANK_TIMEOUT_MS                   per attempt of a bank call, 3 attempts (default 5000, max 60000)
  HANBAT_SANDBOX_BANK               1: production mode may run on the sandbox bank (refused otherwise)
  SANDBOX_BANK_PORT                 sandbox bank HTTP port (default: a free port for serve, 3001 for sandbox-bank)
  SANDBOX_BANK_DATA_DIR             sandbox bank's own embedded database (default $DATA_DIR/sandbox-bank)
  SANDBOX_BANK_OPENING_BALANCE_WON  what a new sandbox account holds (default 10000000)
  SANDBOX_BANK_CALLBACK_URL         where the sandbox posts callbacks
                                    (default http://127.0.0.1:$PORT/v1/bank/callbacks)

Public books:
  HANBAT_CHECKPOINT_KEY       Ed25519 private key (PEM) that signs checkpoints
  HANBAT_CHECKPOINT_KEY_FILE  or a file holding it; in demo mode serve creates
                              DATA_DIR/checkpoint-signing-key.pem on first start`,
  );

program
  .command('serve')
  .description('migrate, seed the Daejeon preset on first start, and serve the HTTP API')
  .action(async () => {
    const config = withDemoCheckpointKey(withBankSecret(loadConfig()));
    assertReadyToServe(config);
    // Read by V8 at each full collection, so setting it before the platform allocates is enough.
    if (config.heapGrowingPercent > 0)
      v8.setFlagsFromString(`--heap-growing-percent=${config.heapGrowingPercent}`);
    console.log(
      `mode: ${config.mode}${config.mode === 'demo' ? ' (set HANBAT_MODE=production to deploy)' : ''}`,
    );
    const sandbox = config.bankUrl ? undefined : await startSandboxBank(config, '127.0.0.1');
    const platform = await openPlatform(sandbox ? { ...config, bankUrl: sandbox.url } : config);
    const seeded = await seedDaejeon(platform).catch(async (error: unknown) => {
      await platform.db.close();
      await sandbox?.bank.close();
      throw error;
    });
    // The planted ring is demo decoration: a bank that does not answer (a configured BANK_URL) must not stop the start.
    if (seeded.demo && platform.config.demoFraudRing) {
      await plantDemoRing(platform, DAEJEON_TENANT.id).catch((error: unknown) => {
        console.warn(
          `demo fraud ring not planted: ${error instanceof Error ? error.message : String(error)}`,
        );
      });
    }
    if (seeded.demo) await seedDemoCommerce(platform, DAEJEON_TENANT.id, DEMO_CREDENTIALS);
    if (seeded.demo && platform.config.demoHistory) await plantHistory(platform);
    await sealAtStart(platform);
    if (config.platformAdminPhone && config.platformAdminPassword) {
      const outcome = await platform.platformAdmins.bootstrap(
        config.platformAdminPhone,
        config.platformAdminPassword,
      );
      console.log(`platform administrator ${config.platformAdminPhone}: ${outcome}`);
    }
    registerJobs(platform);
    const clusterSet = await openClusters(platform, config);
    if (clusterSet)
      return serveClusters(clusterSet, { pollMs: SCHEDULER_POLL_MS, onClosed: () => sandbox?.bank.close() });
    platform.scheduler.start(
      async () => (await platform.tenants.list()).map((tenant) => tenant.id),
      SCHEDULER_POLL_MS,
      (report) =>
        report.error && console.error(`job ${report.name} of ${report.tenantId} failed: ${report.error}`),
    );
    const app = await buildApp(platform, { logLevel: platform.config.logLevel });
    let stopping = false;
    const shutdown = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      app.log.info({ signal }, 'draining: no new connections; answering requests in flight');
      // A drain that hangs (a stuck bank call) must not keep the process from ever exiting.
      setTimeout(() => {
        app.log.error({ timeoutMs: config.shutdownTimeoutMs }, 'drain timed out; exiting');
        process.exit(1);
      }, config.shutdownTimeoutMs).unref();
      platform.scheduler.stop();
      // Waits for every request being handled, payments waiting on a group-commit batch included:
      // each batch commits and each caller is answered before the server closes; new requests get 503.
      await app.close();
      // Background disbursements stop after their current batch; the scheduler resumes them on the next start.
      await platform.programs.stop();
      await sandbox?.bank.close();
      await platform.db.close();
      app.log.info('drained; exiting');
      process.exit(0);
    };
    process.on('SIGINT', () => void shutdown('SIGINT'));
    process.on('SIGTERM', () => void shutdown('SIGTERM'));
    await app.listen({ port: platform.config.port, host: platform.config.host });
    const url = `http://${platform.config.host === '0.0.0.0' ? '127.0.0.1' : platform.config.host}:${platform.config.port}`;
    const bankUrl = sandbox?.url ?? bankUrlOf(config);
    app.log.info(
      { mode: config.mode, database: platform.db.kind, seeded: seeded.created, url, bankUrl },
      'hanbat is serving',
    );
    console.log(welcome(url, seeded, sandbox ? `${bankUrl} (sandbox, in this process)` : bankUrl));
  });

program
  .command('sandbox-bank')
  .description(
    'run the sandbox bank alone: open-banking style accounts, idempotent withdrawals and deposits, ' +
      'statements, signed callbacks and switchable faults (PUT /admin/faults); point serve at it with BANK_URL',
  )
  .action(async () => {
    const config = loadConfig();
    if (!config.bankSigningSecret)
      throw new Error('set BANK_SIGNING_SECRET, and the same value for serve, which verifies the callbacks');
    const { bank, url } = await startSandboxBank(
      { ...config, sandboxBankPort: config.sandboxBankPort ?? SANDBOX_BANK_PORT_CONVENTIONAL },
      config.host,
    );
    const shutdown = async () => {
      await bank.close();
      process.exit(0);
    };
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
    console.log(
      `sandbox bank on ${url}, books in ${config.sandboxBankDataDir}, callbacks to ${config.sandboxBankCallbackUrl}`,
    );
  });

program
  .command('migrate')
  .description('apply pending database migrations and exit')
  .action(async () => {
    const db = await openDatabase(loadConfig());
    const applied = await migrate(db, allMigrations);
    await db.close();
    console.log(applied.length ? `applied migrations ${applied.join(', ')}` : 'database is up to date');
  });

program
  .command('seed')
  .description('create the Daejeon (온통대전) preset if missing; safe to run twice')
  .action(async () => {
    const platform = await openPlatform();
    const { created } = await seedDaejeon(platform);
    await platform.db.close();
    console.log(created ? 'seeded tenant daejeon' : 'tenant daejeon already present');
  });

program
  .command('audit')
  .description(
    'verify the ledger: balanced transfers, balances, holds, hash chains; exits 1 on any violation, 2 when the city named is not in the database or it holds none',
  )
  .option('--tenant <id>', 'audit one tenant (default: all)')
  .option('--json', 'print the report as JSON')
  .action(async (options: { tenant?: string; json?: boolean }) => {
    const platform = await openPlatform();
    const tenantIds = options.tenant
      ? [options.tenant]
      : (await platform.tenants.list()).map((tenant) => tenant.id);
    // A typo, or a database with no city at all, must not read as a clean audit.
    const unknown = [];
    for (const tenantId of tenantIds) if (!(await platform.tenants.exists(tenantId))) unknown.push(tenantId);
    if (tenantIds.length === 0 || unknown.length > 0) {
      await platform.db.close();
      console.error(
        tenantIds.length === 0
          ? 'RESULT: nothing audited: this database holds no city'
          : `RESULT: nothing audited: there is no city ${unknown.join(', ')} in this database`,
      );
      process.exitCode = 2;
      return;
    }
    const reports = [];
    for (const tenantId of tenantIds) {
      reports.push(await auditWithCheckpoints(platform, tenantId, platform.clock.now()));
    }
    await platform.db.close();
    console.log(
      options.json ? JSON.stringify(reports, null, 2) : reports.map(formatAuditReport).join('\n\n'),
    );
    process.exitCode = reports.every((report) => report.ok) ? 0 : 1;
  });

program
  .command('verify')
  .description(
    'verify a saved proof of a transaction offline (no database, no network) against a public key and, ' +
      'optionally, a root hash obtained elsewhere; exits 0 if it holds, 1 if not',
  )
  .argument('<file>', 'the proof, as saved from GET /v1/me/transactions/{id}/proof')
  .requiredOption(
    '--key <file>',
    'public key: a PEM, the raw key in base64, or the saved answer of GET /v1/public/keys',
  )
  .option(
    '--root <hex>',
    "a checkpoint root hash you obtained elsewhere (e.g. a newspaper); must be the proof's",
  )
  .action((file: string, options: { key: string; root?: string }) => {
    const { code, output } = runVerify(file, options);
    console.log(output);
    process.exitCode = code;
  });

/** Demo mode (no deployment operator): a signing key file made under DATA_DIR on first start. */
function withDemoCheckpointKey(config: Config): Config {
  if (config.checkpointKeyPem || config.checkpointKeyFile || config.mode === 'production') return config;
  return { ...config, checkpointKeyFile: ensureDemoSigningKeyFile(config.dataDir) };
}

/** Seals what is new (the demo data on first start); without a key, says how to configure one. */
async function sealAtStart(platform: Platform): Promise<void> {
  if (!platform.config.checkpointKeyPem && !platform.config.checkpointKeyFile) {
    console.warn(
      'public books: no checkpoint signing key (set HANBAT_CHECKPOINT_KEY_FILE); checkpoints are off',
    );
    return;
  }
  for (const tenant of await platform.tenants.list()) {
    try {
      await platform.publicBooks.seal(tenant.id);
    } catch (error) {
      // A replaced key must not sign, but payments need not stop for it: the seal job says so each run.
      if (!(error instanceof DomainError) || error.code !== 'CHECKPOINT_KEY_RETIRED') throw error;
      console.error(`public books of ${tenant.id}: ${error.message}`);
    }
  }
}

function welcome(url: string, seeded: SeedOutcome, bank: string): string {
  const lines = [
    ``,
    `  온통대전 on Hanbat — ${url}   (API docs: ${url}/docs)`,
    `  web app: ${url}/wallet (citizens), ${url}/merchant (shops), ${url}/operator (city)`,
    `  bank: ${bank}`,
  ];
  if (!seeded.demo) {
    lines.push(`  mode: production; operator ${seeded.operatorPhone} (from HANBAT_OPERATOR_PHONE)`);
    if (seeded.operatorPasswordReplaced)
      lines.push(
        '  the operator password changed to HANBAT_OPERATOR_PASSWORD: its earlier sessions are revoked',
      );
    if (seeded.disabledDemoPhones.length > 0)
      lines.push(
        `  demo sign-ins disabled (published credentials never sign in in production): ${seeded.disabledDemoPhones.join(', ')}`,
      );
    return [...lines, ''].join('\n');
  }
  lines.push('  mode: demo; demo sign-ins (phone / password):');
  for (const person of Object.values(DEMO_CREDENTIALS)) {
    lines.push(`    ${person.phone}  ${person.password.padEnd(18)}  ${person.who}`);
  }
  return [...lines, ''].join('\n');
}

registerSimulate(program);
registerTenantCommands(program);
program.parseAsync().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
