#!/usr/bin/env bash
# A throwaway PostgreSQL server for the store tests: `throwaway.sh start DIR` initialises a cluster in DIR, starts it
# on a free loopback port and prints its URL; `throwaway.sh stop DIR` stops it. Needs Debian's postgresql package
# (installed by scripts/bootstrap.sh when apt is usable); prints nothing and exits 3 when the binaries are missing.
# As root, the server runs as the `postgres` system user (PostgreSQL refuses to run as root).
set -euo pipefail
cmd="${1:?start|stop}"; dir="${2:?data directory}"
bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
[ -n "$bin" ] && [ -x "$bin/initdb" ] || exit 3
run() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
case "$cmd" in
  start)
    # the cluster lives in its own folder (the server user must be able to reach it); DIR records where
    mkdir -p "$dir"
    pg="$(mktemp -d /tmp/sigmap-pg-XXXXXX)"; echo "$pg" > "$dir/cluster"
    [ "$(id -u)" = 0 ] && chown postgres "$pg"
    port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
    run "$bin/initdb" -D "$pg/data" -U sigmap --auth=trust -E UTF8 >/dev/null
    run "$bin/pg_ctl" -D "$pg/data" -l "$pg/server.log" -o "-p $port -k $pg -c listen_addresses=127.0.0.1" -w start >/dev/null
    run "$bin/createdb" -h 127.0.0.1 -p "$port" -U sigmap sigmap_test
    echo "postgres://sigmap@127.0.0.1:$port/sigmap_test"
    ;;
  stop)
    [ -f "$dir/cluster" ] || exit 0
    pg="$(cat "$dir/cluster")"
    [ -d "$pg/data" ] && run "$bin/pg_ctl" -D "$pg/data" -m fast -w stop >/dev/null || true
    rm -rf "$pg" "$dir/cluster"
    ;;
  *) echo "usage: throwaway.sh start|stop DIR" >&2; exit 2 ;;
esac
