#!/usr/bin/env bash
# Schemathesis (from PyPI) against the API document the binary serves: a demo database, a token of
# the bureau and one of a county officer, and for each a bounded run that fails on any 5xx, any
# status, content type or body the document does not describe.
# The server runs on a fresh SQLite demo database (the API's own tests cover PostgreSQL).
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=./target/debug/zhaoshang
PORT="${ZS_ST_PORT:-18181}"
SECONDS_EACH="${ZS_ST_SECONDS:-150}"
VENV="${ZS_ST_VENV:-$HOME/.cache/zhaoshang-schemathesis}"
ST_VERSION=4.32.5

if [ ! -x "$VENV/bin/st" ] || ! "$VENV/bin/st" --version 2>/dev/null | grep -q "$ST_VERSION"; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q "schemathesis==$ST_VERSION"
fi

DATA="$(mktemp -d)"
LOG="$DATA/server.log"
cleanup() {
  [ -n "${PID:-}" ] && kill "$PID" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$DATA"
}
trap cleanup EXIT

# Rate limits would only turn fuzzing into 429s.
export ZS__API__REQUESTS_PER_MINUTE=1000000
export ZS_ADMIN_PASSWORD="${ZS_ADMIN_PASSWORD:-Zhaoshang@2026}"
DB_URL="sqlite://$DATA/zhaoshang.db"
"$BIN" demo --data "$DATA" --bind "127.0.0.1:$PORT" >"$LOG" 2>&1 &
PID=$!
for _ in $(seq 1 180); do
  curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break
  kill -0 "$PID" 2>/dev/null || { cat "$LOG"; exit 1; }
  sleep 1
done
curl -sf "http://127.0.0.1:$PORT/api/openapi.json" >/dev/null

status=0
for user in bureau officer-610703; do
  TOKEN="$(ZS__DATABASE__URL="$DB_URL" "$BIN" token create --user "$user" --expires 1 --name schemathesis 2>/dev/null)"
  echo "== schemathesis as $user (${SECONDS_EACH}s) =="
  "$VENV/bin/st" run "http://127.0.0.1:$PORT/api/openapi.json" \
    -H "Authorization: Bearer $TOKEN" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
    --mode positive --workers 2 --max-examples 25 --max-time "$SECONDS_EACH" \
    --seed 20261127 --warnings off || status=1
done
if grep -q "internal error" "$LOG"; then
  echo "the server logged internal errors:" >&2
  grep "internal error" "$LOG" | head -20 >&2
  status=1
fi
exit $status
