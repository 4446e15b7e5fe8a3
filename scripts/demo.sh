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
echo "== Photo batch: samples/photos/ -> $OUT/batch/ (results.jsonl, summary.csv, report.html; a rerun resumes)"
status=0
"$BIN/mynacard" photo batch samples/photos -o "$OUT/batch" --no-progress || status=$?
[ "$status" -le 1 ]  # 1: some sample photos fail on purpose; 2 or more is a real problem

echo
echo "Done: see $OUT/"
