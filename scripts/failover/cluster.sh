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
