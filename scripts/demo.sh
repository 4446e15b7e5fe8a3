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
echo "== Photo checks: samples/photos (reports, annotated review images, fixed copies where only fixable checks failed)"
mkdir -p "$OUT/photos"
set +e
"$BIN/mynacard" photo check samples/photos/*.jpg samples/photos/*.png \
  --annotate "$OUT/photos/annotated" --fix "$OUT/photos/fixed" --overwrite --json > "$OUT/photos/report.jsonl"
status=$?
set -e
# exit 1 means some photos failed their checks, which these samples are chosen to show
if ((status > 1)); then echo "photo check could not check a sample (exit $status)" >&2; exit "$status"; fi
"$BIN/mynacard" photo check --lang ja samples/photos/compliant_005.jpg samples/photos/sunglasses_acani07.jpg \
  | tee "$OUT/photos/report.txt" || true
echo "reports: $OUT/photos/report.jsonl, annotated: $OUT/photos/annotated/, fixed: $OUT/photos/fixed/"

echo
echo "== Card faces: every sample holder, both layouts, both sides, PNG and PDF (previews: 見本 SAMPLE, number masked)"
"$BIN/mynacard" card render samples/applicants.json -o "$OUT/cards" --layout next --sheet
"$BIN/mynacard" card render samples/applicants.json -o "$OUT/cards" --layout current
for layout in next current; do "$BIN/mynacard" card lint "$layout"; done

echo
echo "== Photo batch: samples/photos/ -> $OUT/batch/ (results.jsonl, summary.csv, report.html; a rerun resumes)"
status=0
"$BIN/mynacard" photo batch samples/photos -o "$OUT/batch" --no-progress || status=$?
[ "$status" -le 1 ]  # 1: some sample photos fail on purpose; 2 or more is a real problem

echo
echo "== Oblique capture: a rendered card photographed at an angle, found, rectified; the number masked on a back photo"
mkdir -p "$OUT/oblique"
"$BIN/mynacard" card simulate "$OUT/cards/next-002-front.png" -o "$OUT/oblique/front-tilted.jpg" \
  --yaw 40 --pitch 15 --roll 20 --background wood
"$BIN/mynacard" card oblique "$OUT/oblique/front-tilted.jpg" -o "$OUT/oblique/front"
"$BIN/mynacard" card simulate --layout next --side back -o "$OUT/oblique/back-tilted.jpg" \
  --yaw -35 --pitch 10 --roll 160 --background clutter
"$BIN/mynacard" card mask "$OUT/oblique/back-tilted.jpg" -o "$OUT/oblique/back-masked.jpg"

echo
echo "== eKYC evidence: is the tilted photo a real card (its 0.76 mm edge in the core colour), a copy or a screen?"
"$BIN/mynacard" card simulate "$OUT/cards/next-002-front.png" -o "$OUT/oblique/ekyc-45deg.jpg" \
  --yaw 45 --pitch 5 --roll 10 --background plain --glare 0.1
status=0
"$BIN/mynacard" card evidence "$OUT/oblique/ekyc-45deg.jpg" "$OUT/oblique/front-tilted.jpg" || status=$?
[ "$status" -le 1 ]  # 1: a photo was not judged a card (the verdict says why); 2 or more is a real problem

echo
echo "== Chip portrait: an accepted photo as the IC chip's colour portrait (ISO/IEC 19794-5 token, DG2)"
"$BIN/mynacard" photo chip samples/photos/compliant_005.jpg samples/photos/compliant_010.jpg -o "$OUT/chip" --chart --overwrite

echo
echo "Done: see $OUT/"
