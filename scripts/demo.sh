#!/usr/bin/env bash
# The main job on samples/: what `make demo` runs after the set-up. Usage: scripts/demo.sh BIN OUT
set -euo pipefail
BIN=${1:-.venv/bin}
OUT=${2:-out}
mkdir -p "$OUT"
export MYNACARD_LOG_FILE="$OUT/mynacard.log"

echo "== Holders: validate samples/applicants.json, romanized names and both expiry dates"
"$BIN/mynacard" holders check samples/applicants.json | tee "$OUT/holders.txt"
"$BIN/mynacard" holders check samples/applicants.json --json > "$OUT/holders.jsonl"

echo
echo "Done: see $OUT/"
