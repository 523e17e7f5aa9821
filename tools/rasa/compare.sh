#!/usr/bin/env bash
# The embedded classifier beside a live Rasa 3.6.21 model trained on the same nlu/data, on one
# NLU test file: trains or reuses the model (tools/rasa/model.sh), starts `rasa run --enable-api`
# on a free loopback port, runs `python -m bot nlu compare FILE --rasa-url ...`, stops Rasa.
#
# Usage: tools/rasa/compare.sh FILE [--json]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
file=$1; shift
export RASA_TELEMETRY_ENABLED=false
venv=$("$root/tools/rasa/venv.sh")
model=$("$root/tools/rasa/model.sh")
port=$("$root/.venv/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
log=$(mktemp)
(cd "$(dirname "$model")" && exec "$venv/bin/rasa" run --enable-api -m "$model" -i 127.0.0.1 -p "$port") >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -f "$log"' EXIT
for _ in $(seq 600); do
  curl -fs "http://127.0.0.1:$port/status" >/dev/null 2>&1 && break
  kill -0 $pid 2>/dev/null || { cat "$log" >&2; exit 1; }
  sleep 1
done
cd "$root"
.venv/bin/python -m bot nlu compare "$file" --rasa-url "http://127.0.0.1:$port" \
  --rasa-train-seconds "$(dirname "$model")/train_seconds" "$@"
