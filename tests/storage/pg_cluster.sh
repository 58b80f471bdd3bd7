#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on loopback for the test run.
#
#   eval "$(bash tests/storage/pg_cluster.sh start)"   # prints: export LUMOS_TEST_POSTGRES_URL=...; export LUMOS_PG_CLUSTER_DIR=...
#   bash tests/storage/pg_cluster.sh stop              # stops the cluster named by LUMOS_PG_CLUSTER_DIR
#
# Installs the Debian packages (postgresql, postgresql-contrib, and pgvector when the archive has it)
# when initdb/pg_ctl are missing. With LUMOS_PG_BIN set to the bin folder of another PostgreSQL
# install (.ci/run passes the one of the pgserver wheel, PostgreSQL 16 with pgvector: Debian
# bookworm packages no pgvector), that install is copied into the cluster folder and used instead. The cluster is owned by a non-root user (postgres when run as root),
# lives in a temporary directory, listens on 127.0.0.1 on a free port, and is deleted on stop.
set -euo pipefail

find_bin() {
  local name=$1 dir
  if [ -n "${LUMOS_PG_BIN:-}" ] && [ -x "$LUMOS_PG_BIN/$name" ]; then echo "$LUMOS_PG_BIN/$name"; return 0; fi
  if command -v "$name" >/dev/null 2>&1; then command -v "$name"; return 0; fi
  for dir in /usr/lib/postgresql/*/bin; do
    if [ -x "$dir/$name" ]; then echo "$dir/$name"; return 0; fi
  done
  return 1
}

install_packages() {
  if find_bin initdb >/dev/null && find_bin pg_ctl >/dev/null; then return 0; fi
  echo "pg_cluster: installing PostgreSQL from Debian packages" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql postgresql-contrib >&2
  local major
  major=$(ls /usr/lib/postgresql | sort -n | tail -1)
  apt-get install -y -qq "postgresql-${major}-pgvector" >&2 \
    || echo "pg_cluster: no pgvector package; the store uses its exact SQL fallback" >&2
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

start() {
  local initdb pg_ctl dir port owner
  dir=$(mktemp -d /tmp/lumos-pg.XXXXXX)
  chmod 755 "$dir"
  if [ -n "${LUMOS_PG_BIN:-}" ] && [ -x "$LUMOS_PG_BIN/initdb" ]; then
    # a copy the cluster's owner can read whatever the permissions of the folders above the original
    # (a wheel's install: bin/ under <pkg>/pginstall, its libraries in the sibling <pkg>.libs that
    # the binaries' RPATH names relatively; keep that layout)
    local install pkg
    install=$(cd "$LUMOS_PG_BIN/.." && pwd)
    pkg=$(cd "$install/.." && pwd)
    mkdir -p "$dir/pg/$(basename "$pkg")"
    cp -a "$install" "$dir/pg/$(basename "$pkg")/"
    if [ -d "$pkg.libs" ]; then cp -a "$pkg.libs" "$dir/pg/"; fi
    chmod -R a+rX "$dir/pg"
    LUMOS_PG_BIN="$dir/pg/$(basename "$pkg")/$(basename "$install")/bin"
  else
    LUMOS_PG_BIN=""
    install_packages
  fi
  initdb=$(find_bin initdb)
  pg_ctl=$(find_bin pg_ctl)
  port=$(free_port)
  owner=$(id -un)
  if [ "$(id -u)" = "0" ]; then
    owner=postgres
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    chown "$owner" "$dir"
  fi
  as_owner() { if [ "$(id -un)" = "$owner" ]; then "$@"; else su "$owner" -s /bin/sh -c "$(printf '%q ' "$@")"; fi; }
  as_owner "$initdb" -D "$dir/data" -U lumos --auth=trust -E UTF8 --no-locale >/dev/null
  as_owner "$pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null
  echo "export LUMOS_TEST_POSTGRES_URL=postgresql://lumos@127.0.0.1:${port}/postgres"
  echo "export LUMOS_PG_CLUSTER_DIR=${dir}"
  echo "export LUMOS_PG_CLUSTER_OWNER=${owner}"
  echo "export LUMOS_PG_BIN=${LUMOS_PG_BIN}"
}

stop() {
  local dir=${1:-${LUMOS_PG_CLUSTER_DIR:-}} owner=${LUMOS_PG_CLUSTER_OWNER:-$(id -un)} pg_ctl
  if [ -z "$dir" ] || [ ! -d "$dir/data" ]; then return 0; fi
  pg_ctl=$(find_bin pg_ctl)
  if [ "$(id -un)" = "$owner" ]; then
    "$pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
  else
    su "$owner" -s /bin/sh -c "'$pg_ctl' -D '$dir/data' -m fast -w stop" >/dev/null || true
  fi
  rm -rf "$dir"
}

case "${1:-}" in
  start) start ;;
  stop) stop "${2:-}" ;;
  *) echo "usage: $0 start|stop [dir]" >&2; exit 2 ;;
esac
