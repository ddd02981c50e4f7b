/**
 * HANBAT_CLUSTERS: the other PostgreSQL clusters of a deployment, as whitespace-separated
 * `name=url` pairs (a URL may hold commas: a failover pair). The DATABASE_URL cluster is the home
 * cluster, named by HANBAT_HOME_CLUSTER (default `main`); it holds the directory and the platform
 * administrators. Unset: one cluster, exactly as before.
 */
export interface ClusterConfig {
  homeCluster: string;
  /** Cluster name → its DATABASE_URL; the home cluster is not listed here. */
  clusterUrls: Record<string, string>;
  /** Bounds the per-process maps keyed by session token and host name (tenant lookups). */
  tenantLookupCacheSize: number;
}

const CLUSTER_NAME = /^[a-z][a-z0-9_-]{0,31}$/;

export function loadClusterConfig(env: NodeJS.ProcessEnv): ClusterConfig {
  const homeCluster = env.HANBAT_HOME_CLUSTER || 'main';
  if (!CLUSTER_NAME.test(homeCluster))
    throw new Error(`HANBAT_HOME_CLUSTER must match ${CLUSTER_NAME}, got ${homeCluster}`);
  const clusterUrls: Record<string, string> = {};
  for (const pair of (env.HANBAT_CLUSTERS ?? '').split(/\s+/).filter(Boolean)) {
    const at = pair.indexOf('=');
    const name = pair.slice(0, at);
    const url = pair.slice(at + 1);
    if (at < 1 || !CLUSTER_NAME.test(name) || !/^postgres(ql)?:\/\//.test(url))
      throw new Error('HANBAT_CLUSTERS must be whitespace-separated name=postgres://… pairs');
    if (name === homeCluster || name in clusterUrls) throw new Error(`cluster ${name} is named twice`);
    clusterUrls[name] = url;
  }
  const size = Number(env.HANBAT_TENANT_CACHE_SIZE ?? '10000');
  if (!Number.isSafeInteger(size) || size <= 0)
    throw new Error(
      `HANBAT_TENANT_CACHE_SIZE must be a positive integer, got ${env.HANBAT_TENANT_CACHE_SIZE}`,
    );
  return { homeCluster, clusterUrls, tenantLookupCacheSize: size };
}
