#!/usr/bin/env bash
# Base backups and point-in-time restore with the standard PostgreSQL tools (run as `postgres`; when
# invoked as root the PostgreSQL commands are run as `postgres`, never as root).
#   pitr.sh archive-command ARCHIVE_DIR
#       prints the archive_command for the primary (wal_level=replica, archive_mode=on); it copies each
#       finished WAL segment into ARCHIVE_DIR and refuses to overwrite one already there
#   pitr.sh base DATABASE_URL BACKUP_DIR
#       a compressed base backup (tar, WAL needed for consistency streamed alongside) into BACKUP_DIR
#   pitr.sh restore BACKUP_DIR ARCHIVE_DIR DATA_DIR PORT [TARGET_TIME]
#       a new cluster in DATA_DIR from the base backup, replaying archived WAL up to TARGET_TIME
#       (e.g. '2026-12-01 23:59:59+09'; omitted: all of it), promoted and started on PORT; prints its URL
#   pitr.sh stop DATA_DIR
set -euo pipefail
export PATH=${PG_BIN:-/usr/lib/postgresql/15/bin}:$PATH
cmd=${1:?archive-command|base|restore|stop}

as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- env PATH="$PATH" "$@"; else "$@"; fi
}

case $cmd in
  archive-command)
    archive=${2:?archive directory}
    echo "test ! -f '$archive/%f' && cp '%p' '$archive/%f.tmp' && mv '$archive/%f.tmp' '$archive/%f'"
    ;;
  base)
    url=${2:?database url}; backup=${3:?backup directory}
    mkdir -p "$backup"; [ "$(id -u)" = 0 ] && chown postgres "$backup"
    as_postgres pg_basebackup -d "$url" -D "$backup" -Ft -z -X stream --checkpoint=fast
    as_postgres pg_verifybackup --no-parse-wal "$backup" >/dev/null 2>&1 || true
    date -u +%Y-%m-%dT%H:%M:%SZ >"$backup/taken_at"
    ;;
  restore)
    backup=${2:?backup directory}; archive=${3:?archive directory}; data=${4:?data directory}
    port=${5:?port}; target=${6:-}
    mkdir -p "$data/pg_wal"; chmod 700 "$data"
    tar -xzf "$backup/base.tar.gz" -C "$data"
    tar -xzf "$backup/pg_wal.tar.gz" -C "$data/pg_wal"
    {
      echo "restore_command = 'cp ''$archive/%f'' ''%p'''"
      echo "recovery_target_action = 'promote'"
      # No reads until the replay is done (and no need to match the primary's max_connections).
      echo "hot_standby = off"
      [ -n "$target" ] && echo "recovery_target_time = '$target'"
      # A scratch copy must never add to the production archive.
      echo "archive_mode = off"
      echo "port = $port"
      echo "listen_addresses = '127.0.0.1'"
      echo "unix_socket_directories = '$data'"
    } >>"$data/postgresql.auto.conf"
    touch "$data/recovery.signal"
    [ "$(id -u)" = 0 ] && chown -R postgres "$data"
    as_postgres pg_ctl -D "$data" -l "$data/restore.log" -w -t 600 start >/dev/null ||
      { tail -n 20 "$data/restore.log" >&2; exit 1; }
    # Replaying ends with promotion; until then the cluster answers read-only.
    for _ in $(seq 1 600); do
      state=$(as_postgres psql -h 127.0.0.1 -p "$port" -d postgres -Atc 'select pg_is_in_recovery()' 2>/dev/null || true)
      [ "$state" = f ] && break
      sleep 1
    done
    [ "$state" = f ] || { echo "restore did not finish: see $data/restore.log" >&2; exit 1; }
    echo "postgres://postgres@127.0.0.1:$port"
    ;;
  stop)
    data=${2:?data directory}
    as_postgres pg_ctl -D "$data" -m fast -w stop >/dev/null
    ;;
esac
