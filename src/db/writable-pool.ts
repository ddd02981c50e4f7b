import pg from 'pg';

export interface PooledConnection {
  query(statement: string | pg.QueryConfig, params?: unknown[]): Promise<pg.QueryResult>;
  release(error?: Error): void;
}

/**
 * node-postgres reads only the first host of a connection string, so a multi-host string
 * (`postgres://u@h1:5432,h2:5432/db?target_session_attrs=read-write`, as libpq takes it) is served
 * here: one pool on whichever host is writable, found by asking each host what libpq's
 * `target_session_attrs=read-write` asks — is a new session read-only? — which is true on a standby and
 * also on a promoted standby that pg_auto_failover keeps read-only until the old primary is demoted. A
 * connection-level failure or a read-only refusal (25006) marks the pool stale: that query fails (the
 * caller gets a retryable 503 and, holding an idempotency key, retries), and the next query finds the
 * new primary.
 */
export class WritablePool {
  private pool: pg.Pool | null = null;
  private finding: Promise<pg.Pool> | null = null;

  constructor(
    private readonly hostUrls: readonly string[],
    private readonly poolConfig: Omit<pg.PoolConfig, 'connectionString'>,
    private readonly probeTimeoutMs = 2_000,
  ) {
    if (hostUrls.length === 0) throw new Error('a multi-host connection string needs a host');
  }

  get totalCount(): number {
    return this.pool?.totalCount ?? 0;
  }
  get idleCount(): number {
    return this.pool?.idleCount ?? 0;
  }
  get waitingCount(): number {
    return this.pool?.waitingCount ?? 0;
  }

  async query(statement: string | pg.QueryConfig, params?: unknown[]): Promise<pg.QueryResult> {
    const connection = await this.connect();
    try {
      return await connection.query(statement, params);
    } finally {
      connection.release();
    }
  }

  /** A connection for one transaction; its errors also tell us when the primary is gone. */
  async connect(): Promise<PooledConnection> {
    const { pool, client } = await this.checkOut();
    // A checked-out client whose server dies between two queries emits 'error'; unheard, it kills the process.
    let lost: Error | undefined;
    const onError = (error: Error) => {
      lost ??= error;
      this.forgetIfLost(pool, error);
    };
    client.on('error', onError);
    return {
      query: async (statement: string | pg.QueryConfig, params?: unknown[]) => {
        // A connection found lost (a query that timed out may still be running on it) takes no more statements.
        if (lost) throw lost;
        try {
          return await client.query(statement, params);
        } catch (error) {
          if (isConnectionLost(error)) lost ??= error as Error;
          this.forgetIfLost(pool, error);
          throw error;
        }
      },
      release: (error?: Error) => {
        client.off('error', onError);
        // Released with an error, the pool closes the connection instead of handing it out again.
        client.release(error ?? lost);
      },
    };
  }

  /**
   * A connection from the pool on the writable host. A pool left on the old primary fails to connect
   * before any statement is sent, so that is safe to try once more on the host found again.
   */
  private async checkOut(): Promise<{ pool: pg.Pool; client: pg.PoolClient }> {
    for (let attempt = 1; ; attempt += 1) {
      const pool = await this.writable();
      try {
        return { pool, client: await pool.connect() };
      } catch (error) {
        this.forgetIfLost(pool, error);
        if (attempt >= 2 || !isConnectionLost(error)) throw error;
      }
    }
  }

  async end(): Promise<void> {
    await this.pool?.end();
    this.pool = null;
  }

  private writable(): Promise<pg.Pool> {
    if (this.pool) return Promise.resolve(this.pool);
    this.finding ??= this.findWritable().finally(() => {
      this.finding = null;
    });
    return this.finding;
  }

  private async findWritable(): Promise<pg.Pool> {
    for (const url of this.hostUrls) {
      if (await this.isWritable(url)) {
        this.pool = new pg.Pool({ ...this.poolConfig, connectionString: url });
        this.pool.on('error', () => undefined);
        return this.pool;
      }
    }
    throw Object.assign(new Error(`no writable PostgreSQL among ${this.hostUrls.length} hosts`), {
      code: 'ECONNREFUSED',
    });
  }

  private async isWritable(url: string): Promise<boolean> {
    const client = new pg.Client({
      connectionString: url,
      connectionTimeoutMillis: this.probeTimeoutMs,
      query_timeout: this.probeTimeoutMs,
    });
    client.on('error', () => undefined);
    try {
      await client.connect();
      const { rows } = await client.query(
        `select pg_is_in_recovery() or current_setting('transaction_read_only') = 'on' as read_only`,
      );
      return rows[0]?.read_only === false;
    } catch {
      return false;
    } finally {
      // Not awaited: ending a client whose connection failed can wait forever.
      void client.end().catch(() => undefined);
    }
  }

  private forgetIfLost(pool: pg.Pool, error: unknown): void {
    if (this.pool !== pool || !isConnectionLost(error)) return;
    this.pool = null;
    void pool.end().catch(() => undefined);
  }
}

/**
 * Connection refused or dropped, the server shutting down, or a standby refusing a write. An error
 * the server did not send (no `severity`: a socket error, a dead client) also counts as lost.
 */
export function isConnectionLost(error: unknown): boolean {
  const { code, severity } = (error ?? {}) as { code?: unknown; severity?: unknown };
  if (typeof code === 'string' && /^(57P0[123]|08\d{3}|25006)$/.test(code)) return true;
  return error instanceof Error && severity === undefined;
}

const UNAVAILABLE_NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
]);
const UNAVAILABLE_MESSAGE =
  /Connection terminated|not queryable|no writable PostgreSQL|timeout exceeded when trying to connect|Query read timeout/;

/**
 * Narrower than isConnectionLost, for answering a request: the database could not be reached or
 * refused a write as a standby, so the request can be retried as it is (503), not a fault in our code (500).
 * A commit whose answer was lost may have committed: a retry with the same idempotency key replays it.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (
    typeof code === 'string' &&
    (/^(57P0[123]|08\d{3}|25006)$/.test(code) || UNAVAILABLE_NETWORK_CODES.has(code))
  )
    return true;
  return typeof message === 'string' && UNAVAILABLE_MESSAGE.test(message);
}

/** Each host of a libpq-style multi-host URL as a single-host URL; one host gives one URL. */
export function splitHosts(connectionString: string): string[] {
  const match = /^(postgres(?:ql)?:\/\/)([^@/]*@)?([^/?]*)(\/[^?]*)?(\?.*)?$/.exec(connectionString);
  if (!match) return [connectionString];
  const [, scheme, userInfo = '', hosts = '', database = '', query = ''] = match;
  const params = new URLSearchParams(query.slice(1));
  params.delete('target_session_attrs');
  const rest = params.size > 0 ? `?${params}` : '';
  return hosts.split(',').map((host) => `${scheme}${userInfo}${host}${database}${rest}`);
}
