import type { IncomingMessage } from 'node:http';
import { LRUCache } from 'lru-cache';
import { DomainError, notFound } from '../../errors.js';
import type { Platform } from '../../platform.js';
import { type CopyReport, copyTenant } from './copy-tenant.js';
import type { Placement, TenantDirectory } from './directory.js';
import { fenceTenant, markMovedAway, unfenceTenant } from './fence.js';

export interface MoveReport extends CopyReport {
  tenantId: string;
  fromCluster: string;
  toCluster: string;
  /** How long the tenant's writes were refused with 503 TENANT_MOVING. */
  pausedMs: number;
}

/** What the platform routes see of a multi-cluster deployment (absent with one cluster). */
export interface ClusterControl {
  clusters(): { name: string; home: boolean; tenantIds: string[] }[];
  /** Each cluster's platform, home first: readiness and metrics speak for all of them. */
  members(): ClusterMember[];
  move(tenantId: string, toCluster: string): Promise<MoveReport>;
  /** The cluster whose database holds the tenant now (the home cluster without a directory entry). */
  clusterOf(tenantId: string): string;
  /** That cluster's platform: platform-wide routes (city list, branding, bank callbacks) act through it. */
  platformOf(tenantId: string): Platform;
}

export interface ClusterMember {
  name: string;
  home: boolean;
  platform: Platform;
}

export interface ClusterSetOptions {
  /** Tenant lookups by session token and host name (bounded: HANBAT_TENANT_CACHE_SIZE). */
  lookupCacheSize: number;
  /** How long a move waits for the tenant's writes in flight before giving up (and resuming it). */
  drainTimeoutMs: number;
}

const TENANT_PATTERN = /^[a-z][a-z0-9_-]{1,31}$/;
const POS_KEY_PREFIX = 'pos_';
const SESSION_COOKIE = 'hanbat_session';
const DRAIN_POLL_MS = 5;

/**
 * The clusters of one deployment: a platform (pool, services, scheduler) per cluster, the directory
 * saying which cluster holds each tenant, and the moves between them. Every request is routed by its
 * tenant before any query runs; a tenant being moved has its writes paused, and only that tenant.
 */
export class ClusterSet implements ClusterControl {
  private placements = new Map<string, Placement>();
  private readonly paused = new Set<string>();
  /** Writes in flight per tenant, so a move starts copying only once the tenant is quiet. */
  private readonly writesInFlight = new Map<string, number>();
  private readonly tenantOfToken: LRUCache<string, string>;
  private readonly tenantOfHost: LRUCache<string, string>;

  constructor(
    readonly platforms: ReadonlyMap<string, Platform>,
    private readonly directory: TenantDirectory,
    private readonly options: ClusterSetOptions,
  ) {
    if (!platforms.has(directory.homeCluster)) throw new Error('the home cluster has no platform');
    this.tenantOfToken = new LRUCache({ max: options.lookupCacheSize });
    this.tenantOfHost = new LRUCache({ max: options.lookupCacheSize });
  }

  get home(): Platform {
    return this.platforms.get(this.directory.homeCluster) as Platform;
  }

  /** Reads the directory again (at start, and periodically when several instances share it). */
  async refresh(): Promise<void> {
    const rows = await this.directory.placements();
    this.placements = new Map(rows.map((row) => [row.tenantId, row]));
  }

  clusterOf(tenantId: string): string {
    return this.placements.get(tenantId)?.cluster ?? this.directory.homeCluster;
  }

  platformOf(tenantId: string): Platform {
    return this.platforms.get(this.clusterOf(tenantId)) ?? this.home;
  }

  isPaused(tenantId: string): boolean {
    return this.paused.has(tenantId) || this.placements.get(tenantId)?.state === 'moving';
  }

  /** The tenants whose jobs this cluster's scheduler runs: placed here and not being moved. */
  async tenantsOn(cluster: string): Promise<string[]> {
    const platform = this.platforms.get(cluster);
    if (!platform) return [];
    const tenants = await platform.tenants.list();
    return tenants
      .map((tenant) => tenant.id)
      .filter((id) => this.clusterOf(id) === cluster && !this.isPaused(id));
  }

  members(): ClusterMember[] {
    return [...this.platforms]
      .map(([name, platform]) => ({ name, home: name === this.directory.homeCluster, platform }))
      .sort((a, b) => Number(b.home) - Number(a.home));
  }

  clusters(): { name: string; home: boolean; tenantIds: string[] }[] {
    return [...this.platforms.keys()].map((name) => ({
      name,
      home: name === this.directory.homeCluster,
      tenantIds: [...this.placements.values()]
        .filter((placement) => placement.cluster === name)
        .map((placement) => placement.tenantId),
    }));
  }

  /** Counts a write of `tenantId` until the returned function is called (when its response ends). */
  beginWrite(tenantId: string): () => void {
    this.writesInFlight.set(tenantId, (this.writesInFlight.get(tenantId) ?? 0) + 1);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const left = (this.writesInFlight.get(tenantId) ?? 1) - 1;
      if (left === 0) this.writesInFlight.delete(tenantId);
      else this.writesInFlight.set(tenantId, left);
    };
  }

  /**
   * The tenant a request belongs to, found before any of its queries: X-Tenant-Id, `?tenant=`, the
   * caller's session or POS key (asked of every cluster; a copy left on a former cluster names the
   * same tenant), the host name's branding, else the default tenant.
   */
  async resolveTenant(request: IncomingMessage): Promise<string> {
    const header = request.headers['x-tenant-id'];
    if (typeof header === 'string' && TENANT_PATTERN.test(header)) return header;
    const query = new URL(request.url ?? '/', 'http://local').searchParams.get('tenant');
    if (query && TENANT_PATTERN.test(query)) return query;
    const token = tokenOf(request);
    if (token) {
      const tenantId = await this.tenantOfCredential(token);
      if (tenantId) return tenantId;
    }
    const host = (request.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
    if (host) {
      const tenantId = await this.tenantOfHostName(host);
      if (tenantId) return tenantId;
    }
    return this.home.config.defaultTenantId;
  }

  private async tenantOfCredential(token: string): Promise<string | null> {
    const known = this.tenantOfToken.get(token);
    if (known) return known;
    const found = await Promise.all(
      [...this.platforms.values()].map((platform) =>
        (token.startsWith(POS_KEY_PREFIX)
          ? platform.merchants.authenticatePosKey(token)
          : platform.members.authenticateSession(token)
        ).catch(() => null),
      ),
    );
    const tenantId = found.find((principal) => principal)?.tenantId ?? null;
    if (tenantId) this.tenantOfToken.set(token, tenantId);
    return tenantId;
  }

  private async tenantOfHostName(host: string): Promise<string | null> {
    const known = this.tenantOfHost.get(host);
    if (known) return known;
    const found = await Promise.all(
      [...this.platforms.values()].map((platform) => platform.brandings.tenantOfHost(host).catch(() => null)),
    );
    const tenantId = found.find((id) => id) ?? null;
    if (tenantId) this.tenantOfHost.set(host, tenantId);
    return tenantId;
  }

  /**
   * Moves a tenant: pause its writes (503 TENANT_MOVING; other tenants untouched), wait for its
   * writes in flight, copy and verify in one target transaction (see copyTenant), switch the
   * directory, resume. A failure at any step leaves the tenant active where it was.
   */
  async move(tenantId: string, toCluster: string): Promise<MoveReport> {
    const fromCluster = this.clusterOf(tenantId);
    const source = this.platforms.get(fromCluster) as Platform;
    const target = this.platforms.get(toCluster);
    if (!target) throw notFound(`cluster ${toCluster}`, `클러스터 ${toCluster}`);
    if (!(await source.tenants.get(tenantId).catch(() => null)))
      throw notFound(`tenant ${tenantId}`, `지역 ${tenantId}`);
    if (fromCluster === toCluster)
      throw conflict(
        'TENANT_ALREADY_THERE',
        `${tenantId} is already on ${toCluster}`,
        '이미 그 클러스터에 있습니다',
      );
    if (this.isPaused(tenantId))
      throw conflict('TENANT_MOVING', `${tenantId} is being moved already`, '이미 이동 중입니다');
    const startedAt = new Date();
    this.paused.add(tenantId);
    let fenced = false;
    let switched = false;
    try {
      await this.directory.place(tenantId, fromCluster, 'moving');
      await this.waitForWrites(tenantId);
      // Every instance's writes: the fence waits for those in flight on the source and refuses the rest.
      await fenceTenant(source.db, tenantId, source.clock.now(), 'moving', this.options.drainTimeoutMs);
      fenced = true;
      // A fence left on the target by an earlier move away from it would refuse the tenant there.
      await unfenceTenant(target.db, tenantId);
      const copy = await copyTenant(source.db, target.db, tenantId, source.clock.now());
      await this.directory.place(tenantId, toCluster, 'active');
      switched = true;
      await markMovedAway(source.db, tenantId);
      const report = {
        tenantId,
        fromCluster,
        toCluster,
        pausedMs: Date.now() - startedAt.getTime(),
        ...copy,
      };
      await this.directory.recordMove({
        tenantId,
        fromCluster,
        toCluster,
        startedAt,
        outcome: 'moved',
        report,
      });
      return report;
    } catch (error) {
      // Once the directory names the target, the tenant lives there: the source stays fenced.
      if (switched) throw error;
      if (fenced) await unfenceTenant(source.db, tenantId).catch(() => undefined);
      await this.directory.place(tenantId, fromCluster, 'active');
      await this.directory
        .recordMove({
          tenantId,
          fromCluster,
          toCluster,
          startedAt,
          outcome: 'failed',
          report: { error: error instanceof Error ? error.message : String(error) },
        })
        .catch(() => undefined);
      throw error;
    } finally {
      await this.refresh().catch(() => undefined);
      this.paused.delete(tenantId);
    }
  }

  private async waitForWrites(tenantId: string): Promise<void> {
    const deadline = Date.now() + this.options.drainTimeoutMs;
    while ((this.writesInFlight.get(tenantId) ?? 0) > 0) {
      if (Date.now() > deadline)
        throw conflict(
          'TENANT_BUSY',
          `${tenantId} still had writes in flight after ${this.options.drainTimeoutMs} ms; not moved`,
          '처리 중인 요청이 끝나지 않아 이동하지 않았습니다',
        );
      await new Promise((resolve) => setTimeout(resolve, DRAIN_POLL_MS));
    }
  }
}

/** The stable answer to a write of a tenant being moved: retry shortly with the same Idempotency-Key. */
export function tenantMovingError(tenantId: string): DomainError {
  return new DomainError({
    code: 'TENANT_MOVING',
    httpStatus: 503,
    message: `${tenantId} is being moved to another database for a moment; retry with the same Idempotency-Key`,
    messageKo: '지역 데이터를 옮기는 중입니다. 잠시 후 같은 멱등키로 다시 시도해 주세요',
  });
}

function conflict(code: string, message: string, messageKo: string): DomainError {
  return new DomainError({ code, httpStatus: 409, message, messageKo });
}

function tokenOf(request: IncomingMessage): string | null {
  const match = /^Bearer ([A-Za-z0-9_\-.]{1,256})$/.exec(request.headers.authorization ?? '');
  if (match?.[1]) return match[1];
  const cookie = request.headers.cookie ?? '';
  for (const part of cookie.split(';')) {
    const [name, value] = part.trim().split('=');
    if (name === SESSION_COOKIE && value) return decodeURIComponent(value);
  }
  return null;
}
