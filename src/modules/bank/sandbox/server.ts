import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { type Clock, systemClock } from '../../../clock.js';
import type { Database } from '../../../db/database.js';
import { migrate } from '../../../db/migrate.js';
import { openPglite } from '../../../db/pglite.js';
import { validatorCompiler } from '../../../http/validation.js';
import {
  AccountBalanceSchema,
  AccountRefSchema,
  type BankErrorBody,
  BankErrorSchema,
  type CallbackEvent,
  IdempotencyHeadersSchema,
  StatementQuerySchema,
  StatementSchema,
  TransferKeyParamsSchema,
  type TransferKind,
  type TransferOutcomeBody,
  TransferOutcomeSchema,
  type TransferRequestBody,
  TransferRequestSchema,
} from '../bank-api.js';
import { CallbackSender, type CallbackSenderOptions } from './callbacks.js';
import { FaultPlan, FaultSettingsPatchSchema, FaultSettingsSchema } from './faults.js';
import { sandboxBankMigrations } from './migrations.js';
import { type SandboxBalances, SandboxBankStore } from './store.js';

export interface SandboxBankOptions {
  /** PGlite directory of the bank's own books; undefined keeps them in memory (tests). */
  dataDir: string | undefined;
  /** Shared with the platform, which verifies the callbacks signed with it. */
  signingSecret: string;
  /** Where settlement callbacks go; none are sent without it. */
  callbackUrl?: string;
  openingBalanceWon?: number;
  trustOpeningBalanceWon?: number;
  clock?: Clock;
  /** Draws the fault rates; tests pass a seeded one to replay the same misbehaviour. */
  faultRandom?: () => number;
  logLevel?: string | false;
  callbackDelivery?: Pick<CallbackSenderOptions, 'timeoutMs' | 'attemptsMax' | 'backoffMsBase'>;
}

export const SANDBOX_OPENING_BALANCE_WON = 10_000_000;
/** The city's own deposit in its trust account, which pays cashback and policy money out in the demo. */
export const SANDBOX_TRUST_OPENING_BALANCE_WON = 10_000_000_000;
const IDLE_POLL_MS = 10;
/** Transfers handled at once; more are answered 503, as a loaded bank would. */
const IN_FLIGHT_MAX = 256;

type TransferAnswer =
  | { statusCode: 200 | 422; body: TransferOutcomeBody }
  | { statusCode: 409 | 503; body: BankErrorBody }
  | 'drop';

/**
 * An open-banking style bank in its own HTTP server with its own database: accounts, idempotent
 * withdrawals and deposits, lookups, abandons, statements, signed callbacks and switchable faults.
 */
export class SandboxBank {
  readonly faults: FaultPlan;
  readonly callbacks: CallbackSender;
  readonly app: FastifyInstance;
  private readonly closing = new AbortController();
  private inFlightCount = 0;

  private constructor(
    private readonly db: Database,
    readonly store: SandboxBankStore,
    private readonly clock: Clock,
    options: SandboxBankOptions,
  ) {
    this.faults = new FaultPlan(options.faultRandom);
    // Every request waiting on a latency or timeout fault listens for shutdown.
    setMaxListeners(IN_FLIGHT_MAX + 1, this.closing.signal);
    this.callbacks = new CallbackSender({
      url: options.callbackUrl,
      secret: options.signingSecret,
      clock,
      ...options.callbackDelivery,
    });
    this.app = buildSandboxBankApp(this, options.logLevel ?? false);
  }

  static async open(options: SandboxBankOptions): Promise<SandboxBank> {
    if (options.signingSecret.length < 16)
      throw new Error('the sandbox bank needs a signing secret of 16+ chars');
    const clock = options.clock ?? systemClock;
    const db = await openPglite(options.dataDir);
    await migrate(db, sandboxBankMigrations);
    const balances: SandboxBalances = {
      openingBalanceWon: options.openingBalanceWon ?? SANDBOX_OPENING_BALANCE_WON,
      trustOpeningBalanceWon: options.trustOpeningBalanceWon ?? SANDBOX_TRUST_OPENING_BALANCE_WON,
    };
    return new SandboxBank(db, new SandboxBankStore(db, clock, balances), clock, options);
  }

  /** Listens and answers its base URL; port 0 picks a free one. */
  async listen(host: string, port: number): Promise<string> {
    await this.app.listen({ host, port });
    const address = this.app.server.address();
    if (!address || typeof address === 'string') throw new Error('sandbox bank: no TCP address');
    return `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}`;
  }

  /** Resolves once no request is being handled and no callback is queued or on the wire. */
  async whenIdle(timeoutMs: number): Promise<void> {
    const deadlineMs = Date.now() + timeoutMs;
    while (this.inFlightCount > 0 || !this.callbacks.idle) {
      if (Date.now() > deadlineMs) throw new Error(`sandbox bank still busy after ${timeoutMs} ms`);
      await sleep(IDLE_POLL_MS);
    }
  }

  async close(): Promise<void> {
    this.closing.abort();
    this.callbacks.close();
    await this.app.close();
    await this.db.close();
  }

  /** A withdrawal or deposit, through the configured faults; `drop` means hang up without an answer. */
  async handleTransfer(
    kind: TransferKind,
    key: string,
    request: TransferRequestBody,
  ): Promise<TransferAnswer> {
    if (this.inFlightCount >= IN_FLIGHT_MAX) return unavailable('BUSY', 'too many transfers in flight');
    this.inFlightCount += 1;
    try {
      return await this.transferThroughFaults(kind, key, request);
    } finally {
      this.inFlightCount -= 1;
    }
  }

  private async transferThroughFaults(
    kind: TransferKind,
    key: string,
    request: TransferRequestBody,
  ): Promise<TransferAnswer> {
    await sleep(this.faults.latencyMs, undefined, { signal: this.closing.signal });
    const fault = this.faults.next();
    if (fault === 'error_5xx') return unavailable('UNAVAILABLE', 'sandbox fault: service unavailable');
    if (fault === 'timeout') await sleep(this.faults.hangMs, undefined, { signal: this.closing.signal });
    const result = await this.store.applyTransfer(kind, key, request);
    if (result.kind === 'conflict') {
      const message = 'this key was used for a different transfer';
      return { statusCode: 409, body: { code: 'IDEMPOTENCY_CONFLICT', message } };
    }
    const event = this.eventOf(kind, request, result.seq, result.outcome);
    // A replay is announced again only when the fault asks for a duplicate.
    if (!result.replayed) this.callbacks.enqueue(event);
    if (fault === 'duplicate_callback') this.callbacks.enqueue(event);
    if (fault === 'lost_response') return 'drop';
    return { statusCode: result.outcome.status === 'succeeded' ? 200 : 422, body: result.outcome };
  }

  private eventOf(
    kind: TransferKind,
    request: TransferRequestBody,
    seq: number,
    outcome: CallbackEvent['transfer']['outcome'],
  ): CallbackEvent {
    return {
      eventId: `evt_${seq}`,
      type: 'transfer.settled',
      occurredAt: this.clock.now().toISOString(),
      transfer: { kind, tenantId: request.tenantId ?? null, amountWon: request.amountWon, outcome },
    };
  }
}

function unavailable(code: string, message: string): TransferAnswer {
  return { statusCode: 503, body: { code, message } };
}

function buildSandboxBankApp(bank: SandboxBank, logLevel: string | false): FastifyInstance {
  const app = Fastify({
    logger: logLevel === false ? false : { level: logLevel, name: 'sandbox-bank' },
    bodyLimit: 16_384,
    // Shutting down drops every connection at once: a request held by a `timeout` fault, or a
    // keep-alive connection the platform still holds, must not hold the process open.
    forceCloseConnections: true,
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error.validation) return reply.code(400).send({ code: 'INVALID_REQUEST', message: error.message });
    request.log.error({ err: error }, 'sandbox bank error');
    return reply.code(500).send({ code: 'INTERNAL', message: 'sandbox bank error' });
  });
  app.register(bankApiRoutes(bank));
  app.register(adminRoutes(bank));
  return app;
}

const TransferAnswers = { 200: TransferOutcomeSchema, 422: TransferOutcomeSchema, 409: BankErrorSchema };

function bankApiRoutes(bank: SandboxBank): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/health', async () => ({ status: 'ok' }));
    for (const kind of ['withdrawal', 'deposit'] as const) {
      app.post(
        `/${kind}s`,
        {
          schema: {
            headers: IdempotencyHeadersSchema,
            body: TransferRequestSchema,
            response: { ...TransferAnswers, 503: BankErrorSchema },
          },
        },
        async (request, reply) => {
          const answer = await bank.handleTransfer(kind, request.headers['idempotency-key'], request.body);
          if (answer !== 'drop') return reply.code(answer.statusCode).send(answer.body);
          reply.hijack();
          reply.raw.socket?.destroy();
          return reply;
        },
      );
    }
    app.get(
      '/transfers/:idempotencyKey',
      {
        schema: {
          params: TransferKeyParamsSchema,
          response: { 200: TransferOutcomeSchema, 404: BankErrorSchema },
        },
      },
      async (request, reply) => {
        const outcome = await bank.store.lookup(request.params.idempotencyKey);
        if (outcome) return outcome;
        return reply.code(404).send({ code: 'TRANSFER_NOT_FOUND', message: 'the bank never received it' });
      },
    );
    app.post(
      '/transfers/:idempotencyKey/abandon',
      { schema: { params: TransferKeyParamsSchema, response: { 200: TransferOutcomeSchema } } },
      async (request) => bank.store.abandon(request.params.idempotencyKey),
    );
    app.get(
      '/statements',
      { schema: { querystring: StatementQuerySchema, response: { 200: StatementSchema } } },
      (request) => bank.store.statement(request.query.since ?? 0, request.query.limit ?? 100),
    );
    app.get(
      '/accounts/:bankCode/:accountNumber',
      { schema: { params: AccountRefSchema, response: { 200: AccountBalanceSchema } } },
      async (request) => ({ account: request.params, ...(await bank.store.balanceOf(request.params)) }),
    );
  };
}

/** Test and demo controls; the sandbox listens on loopback unless told otherwise. */
function adminRoutes(bank: SandboxBank): FastifyPluginAsyncTypebox {
  return async (app) => {
    const settings = { response: { 200: FaultSettingsSchema } };
    app.get('/admin/faults', { schema: settings }, async () => bank.faults.snapshot());
    app.put('/admin/faults', { schema: { ...settings, body: FaultSettingsPatchSchema } }, async (request) =>
      bank.faults.configure(request.body),
    );
    app.delete('/admin/faults', { schema: settings }, async () => bank.faults.reset());
    app.post(
      '/admin/accounts/:bankCode/:accountNumber/close',
      { schema: { params: AccountRefSchema, response: { 200: AccountBalanceSchema } } },
      async (request) => {
        await bank.store.closeAccount(request.params);
        return { account: request.params, ...(await bank.store.balanceOf(request.params)) };
      },
    );
    app.get(
      '/admin/callbacks',
      {
        schema: {
          response: {
            200: Type.Object({ delivered: Type.Integer(), dropped: Type.Integer(), idle: Type.Boolean() }),
          },
        },
      },
      async () => ({
        delivered: bank.callbacks.deliveredCount,
        dropped: bank.callbacks.droppedCount,
        idle: bank.callbacks.idle,
      }),
    );
  };
}
