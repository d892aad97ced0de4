#!/usr/bin/env bash
# Local Temporal dev server with persistent state in a SQLite file (survives restarts; see test/orchestration).
#   bash infra/temporal/dev-server.sh start|stop|status|restart
# Env: SIGMAP_HOME (default .sigmap) -> state in $SIGMAP_HOME/temporal/dev.sqlite, pid + log beside it;
#      SIGMAP_TEMPORAL_PORT (gRPC, default 7233), SIGMAP_TEMPORAL_UI_PORT (default port+1000, 'off' = headless),
#      SIGMAP_TEMPORAL_IP (default 127.0.0.1), SIGMAP_TEMPORAL_DB (SQLite file, overrides the default path).
# `sigmap scan` without TEMPORAL_ADDRESS reuses a server answering on SIGMAP_TEMPORAL_PORT, else starts its own.
set -euo pipefail
source "$(dirname "$0")/../env.sh"
HOME_DIR="${SIGMAP_HOME:-.sigmap}"
DB="${SIGMAP_TEMPORAL_DB:-$HOME_DIR/temporal/dev.sqlite}"
PORT="${SIGMAP_TEMPORAL_PORT:-7233}"
UI_PORT="${SIGMAP_TEMPORAL_UI_PORT:-$((PORT + 1000))}"
IP="${SIGMAP_TEMPORAL_IP:-127.0.0.1}"
PIDFILE="$DB.pid"
LOG="$DB.log"

running() { [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }
answers() { (exec 3<>"/dev/tcp/$IP/$PORT") 2>/dev/null; }

start() {
  if running; then echo "temporal dev server already running (pid $(cat "$PIDFILE"), $IP:$PORT, db $DB)"; return 0; fi
  if answers; then echo "error: port $PORT: something else answers there (set SIGMAP_TEMPORAL_PORT)" >&2; return 2; fi
  bash "$(dirname "$0")/install.sh"
  mkdir -p "$(dirname "$DB")"
  local ui=(--ui-port "$UI_PORT"); [ "$UI_PORT" = off ] && ui=(--headless)
  nohup "$SIGMAP_TEMPORAL_BIN" server start-dev --db-filename "$DB" --ip "$IP" --port "$PORT" "${ui[@]}" --log-level warn >>"$LOG" 2>&1 &
  echo $! >"$PIDFILE"
  for _ in $(seq 1 150); do
    if answers; then echo "temporal dev server started (pid $(cat "$PIDFILE"), TEMPORAL_ADDRESS=$IP:$PORT, db $DB, log $LOG)"; return 0; fi
    running || { echo "error: temporal dev server exited; see $LOG" >&2; return 1; }
    sleep 0.2
  done
  echo "error: temporal dev server did not answer on $IP:$PORT within 30 s; see $LOG" >&2; return 1
}

stop() {
  if ! running; then echo "temporal dev server not running"; rm -f "$PIDFILE"; return 0; fi
  local pid; pid="$(cat "$PIDFILE")"
  kill "$pid"
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
  rm -f "$PIDFILE"
  echo "temporal dev server stopped (state kept in $DB)"
}

status() {
  if running && answers; then echo "running pid=$(cat "$PIDFILE") address=$IP:$PORT db=$DB"; else echo "stopped (db $DB)"; return 3; fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  restart) stop; start ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status|restart" >&2; exit 2 ;;
esac
