#!/usr/bin/env bash
# Schemathesis against a real `partner-console demo` server (SQLite, in target/), with the demo's
# printed API keys. Used by .ci/run; runs on its own too: bash tests/schemathesis/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

venv=target/schemathesis-venv
if [ ! -x "$venv/bin/pytest" ] || ! "$venv/bin/python" -c 'import schemathesis' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet 'schemathesis>=4,<5' pytest
fi
"$venv/bin/python" -c 'import schemathesis; print("schemathesis", schemathesis.SCHEMATHESIS_VERSION)'

cargo build --quiet
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
data=$(mktemp -d "$PWD/target/schemathesis-data.XXXXXX")
# Generated cases come fast: the per-key limit is lifted so that answers are judged, not 429s
# (the limit itself is tested in tests/it/rate_limits.rs).
PC_DATA_DIR="$data" PC_BIND="127.0.0.1:$port" PC_PUBLIC_URL="http://127.0.0.1:$port" \
  PC_API_RATE_LIMIT_PER_MINUTE=1000000 PC_API_AUTH_FAILURES_PER_MINUTE=1000000 \
  target/debug/partner-console demo > "$data/demo.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; rm -rf "$data"' EXIT

for _ in $(seq 120); do
  grep -q "/api/v1/me" "$data/demo.log" 2>/dev/null && break
  kill -0 "$server" 2>/dev/null || { cat "$data/demo.log"; echo "demo server died"; exit 1; }
  sleep 1
done
key_for() { grep -o "'[^']*' http://127.0.0.1:$port$1" "$data/demo.log" | head -1 | cut -d"'" -f2; }
PC_MSP_KEY=$(key_for /v1beta1/msp/mspCustomers)
PC_RESELLER_KEY=$(key_for /api/v1/me)
if [ -z "$PC_MSP_KEY" ] || [ -z "$PC_RESELLER_KEY" ]; then
  cat "$data/demo.log"; echo "the demo printed no API keys"; exit 1
fi
export PC_API_URL="http://127.0.0.1:$port" PC_MSP_KEY PC_RESELLER_KEY
"$venv/bin/pytest" -q -p no:cacheprovider tests/schemathesis
if grep -q "panicked" "$data/demo.log"; then
  grep -A3 "panicked" "$data/demo.log"; echo "the server panicked during the run"; exit 1
fi
