#!/usr/bin/env bash
# Builds (once) a virtual environment with the real Rasa Open Source 3.6.21 on this Python 3.11
# and prints its path. Rasa 3.6 declares Python < 3.11 and pins packages without 3.11 wheels, so
# it is installed with --ignore-requires-python and these substitutes that do have wheels:
# matplotlib 3.6.3, numpy 1.23.5, scipy 1.10.1, scikit-learn 1.1.3, dask 2022.10.2,
# tensorflow 2.12.0. About 3 minutes and ~3 GB the first time; reused afterwards.
#
# Usage: tools/rasa/venv.sh [DIR]   (default: $MOTCUA_CACHE/rasa-venv, MOTCUA_CACHE=~/.cache/motcua)
set -euo pipefail
cache=${MOTCUA_CACHE:-$HOME/.cache/motcua}
dir=${1:-$cache/rasa-venv}
export RASA_TELEMETRY_ENABLED=false
if [ -x "$dir/bin/rasa" ] && "$dir/bin/python" -c "import rasa, dask" 2>/dev/null; then
  echo "$dir"; exit 0
fi
py=${RASA_PYTHON:-python3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rm -rf "$dir"
"$py" -m venv "$dir"
pip="$dir/bin/pip"
"$pip" install -q --upgrade pip >&2
"$pip" download -q --no-deps --ignore-requires-python rasa==3.6.21 rasa-sdk==3.6.2 -d "$work" >&2
# The unconditional requirements of a wheel (its METADATA), as requirement lines.
requirements() {
  unzip -p "$1" '*/METADATA' | sed -n 's/^Requires-Dist: //p' | grep -v 'extra ==' |
    sed -E 's/ \(([^)]*)\)/\1/'
}
{
  requirements "$work"/rasa-3.6.21-*.whl | grep -v '^rasa-sdk' | sed 's/^matplotlib.*/matplotlib==3.6.3/'
  requirements "$work"/rasa_sdk-3.6.2-*.whl
} >"$work/requirements.txt"
printf '%s\n' numpy==1.23.5 scipy==1.10.1 scikit-learn==1.1.3 dask==2022.10.2 jax==0.4.13 \
  ml-dtypes==0.2.0 tensorflow==2.12.0 >"$work/constraints.txt"
"$pip" install -q --no-deps --ignore-requires-python "$work"/rasa_sdk-3.6.2-*.whl >&2
"$pip" install -q -c "$work/constraints.txt" -r "$work/requirements.txt" dask==2022.10.2 >&2
"$pip" install -q --no-deps --ignore-requires-python "$work"/rasa-3.6.21-*.whl >&2
"$dir/bin/rasa" --version >/dev/null
echo "$dir"
