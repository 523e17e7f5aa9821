#!/usr/bin/env bash
# Validates and trains the Rasa NLU model of nlu/ (once per version of its data and config) and
# prints the model's path. The model is cached under $MOTCUA_CACHE/rasa-models/<hash>/, where the
# hash covers nlu/config.yml, nlu/domain.yml and nlu/data/*.yml; the training time in seconds is
# written beside it (train_seconds) for `python -m bot nlu compare`.
#
# Usage: tools/rasa/model.sh   (from anywhere; builds the venv with tools/rasa/venv.sh if needed;
# concurrent calls wait for one another on $MOTCUA_CACHE/rasa-models/.lock)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cache=${MOTCUA_CACHE:-$HOME/.cache/motcua}
export RASA_TELEMETRY_ENABLED=false
# One build at a time: a second caller (CI's `make test-rasa` while .ci/run's early training, or a
# session's, still runs) waits here and then finds the model made by the first.
mkdir -p "$cache/rasa-models"
exec 9>"$cache/rasa-models/.lock"
flock 9
venv=$("$root/tools/rasa/venv.sh")
hash=$(cat "$root/nlu/config.yml" "$root/nlu/domain.yml" "$root"/nlu/data/*.yml | sha1sum | cut -c1-16)
out="$cache/rasa-models/$hash"
if [ -f "$out/nlu.tar.gz" ]; then echo "$out/nlu.tar.gz"; exit 0; fi
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"   # rasa writes .rasa/ and cache files into the working directory
"$venv/bin/rasa" data validate --data "$root/nlu/data" --domain "$root/nlu/domain.yml" \
  --config "$root/nlu/config.yml" >&2
start=$(date +%s.%N)
"$venv/bin/rasa" train nlu --config "$root/nlu/config.yml" --nlu "$root/nlu/data" \
  --domain "$root/nlu/domain.yml" --out "$work/models" --fixed-model-name nlu >&2
end=$(date +%s.%N)
echo "$end - $start" | bc >"$work/train_seconds"
mv "$work/models/nlu.tar.gz" "$out/nlu.tar.gz.part" && mv "$work/train_seconds" "$out/train_seconds"
mv "$out/nlu.tar.gz.part" "$out/nlu.tar.gz"
# models of older data versions go
find "$cache/rasa-models" -mindepth 1 -maxdepth 1 -type d ! -name "$hash" -exec rm -rf {} +
echo "$out/nlu.tar.gz"
