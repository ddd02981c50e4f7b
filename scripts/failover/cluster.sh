#!/usr/bin/env bash
# A pg_auto_failover formation on this machine: a monitor, a primary and a synchronous standby, each
# with its own port and directory under $DIR, run as the `postgres` user (never as root).
#   cluster.sh start DIR [BASE_PORT]   monitor on BASE_PORT, nodes on BASE_PORT+1 and +2 (default 6500)
#   cluster.sh stop DIR
#   cluster.sh state DIR               pg_autoctl show state
# Prints the multi-host DATABASE_URL on start. Needs: postgresql-15, postgresql-15-auto-failover,
# pg-auto-failover-cli (Debian).
set -euo pipefail
cmd=${1:?start|stop|state}
dir=${2:?directory}
base=${3:-6500}
export PATH=/usr/lib/postgresql/15/bin:$PATH
# Failover timing (see start): override with HANBAT_FAILOVER_UNHEALTHY_MS / _DEMOTE_MS / _PARTITION_S.
unhealthy_ms=${HANBAT_FAILOVER_UNHEALTHY_MS:-4000}
demote_ms=${HANBAT_FAILOVER_DEMOTE_MS:-10000}
partition_s=${HANBAT_FAILOVER_PARTITION_S:-5}
monitor_url="postgres://autoctl_node@127.0.0.1:${base}/pg_auto_failover?sslmode=disable"

as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- env PATH="$PATH" "$@"; else "$@"; fi
}

wait_for() { # wait_for SECONDS COMMAND...
  local deadline=$((SECONDS + $1)); shift
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || { echo "timed out waiting for: $*" >&2; return 1; }
    sleep 1
  done
}

start_node() { # start_node NAME PORT
  as_postgres pg_autoctl create postgres --pgdata "$dir/$1" --pgport "$2" --hostname 127.0.0.1 \
    --name "$1" --monitor "$monitor_url" --auth trust --no-ssl --dbname hanbat \
    --replication-quorum true --candidate-priority 50 >"$dir/$1.create.log" 2>&1
  # A primary cut off from the monitor and its standby stops accepting writes after this long (default 20 s).
  as_postgres pg_autoctl config set --pgdata "$dir/$1" timeout.network_partition_timeout "$partition_s" >/dev/null
  as_postgres bash -c "nohup pg_autoctl run --pgdata '$dir/$1' >'$dir/$1.log' 2>&1 & echo \$! >'$dir/$1.keeper.pid'"
}

case $cmd in
  start)
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    as_postgres pg_autoctl create monitor --pgdata "$dir/monitor" --pgport "$base" --hostname 127.0.0.1 \
      --auth trust --no-ssl >"$dir/monitor.create.log" 2>&1
    as_postgres bash -c "nohup pg_autoctl run --pgdata '$dir/monitor' >'$dir/monitor.log' 2>&1 & echo \$! >'$dir/monitor.keeper.pid'"
    wait_for 60 as_postgres psql -h 127.0.0.1 -p "$base" -U autoctl_node -d pg_auto_failover -c 'select 1'
    # Faster detection than the defaults (5 s checks, unhealthy after 20 s, demote timeout 30 s: ~50 s
    # without a primary). Safe as long as the demote timeout exceeds the keepers' network partition
    # timeout: an isolated old primary has stopped taking writes before the standby is opened for them
    # (and with a synchronous standby it could not commit one anyway).
    as_postgres psql -q -h 127.0.0.1 -p "$base" -d pg_auto_failover -v ON_ERROR_STOP=1 <<SQL
alter system set pgautofailover.health_check_period = 1000;
alter system set pgautofailover.health_check_timeout = 1000;
alter system set pgautofailover.health_check_max_retries = 1;
alter system set pgautofailover.health_check_retry_delay = 500;
alter system set pgautofailover.node_considered_unhealthy_timeout = ${unhealthy_ms};
alter system set pgautofailover.primary_demote_timeout = ${demote_ms};
select pg_reload_conf();
SQL
    start_node node1 $((base + 1))
    wait_for 120 as_postgres psql -h 127.0.0.1 -p $((base + 1)) -d hanbat -c 'select 1'
    start_node node2 $((base + 2))
    # Ready when the formation has a primary and a secondary (wait_primary still has no synchronous standby).
    wait_for 180 bash -c "as_postgres() { if [ \$(id -u) = 0 ]; then runuser -u postgres -- env PATH='$PATH' \"\$@\"; else \"\$@\"; fi; }; \
      as_postgres pg_autoctl show state --pgdata '$dir/monitor' | grep -Eq '\\|\\s+primary\\s+\\|\\s+primary\\s*$'"
    as_postgres psql -h 127.0.0.1 -p $((base + 1)) -d hanbat -c "create role hanbat login superuser" >/dev/null 2>&1 || true
    echo "postgres://hanbat@127.0.0.1:$((base + 1)),127.0.0.1:$((base + 2))/hanbat?target_session_attrs=read-write"
    ;;
  stop)
    for node in node2 node1 monitor; do
      [ -d "$dir/$node" ] && as_postgres pg_autoctl stop --pgdata "$dir/$node" --immediate >/dev/null 2>&1 || true
    done
    ;;
  state)
    as_postgres pg_autoctl show state --pgdata "$dir/monitor"
    ;;
esac
