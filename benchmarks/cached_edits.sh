#!/bin/bash
# Cached `sitegen build`s after one edit, two checkouts interleaved on two copies of one corpus (issue 18).
#
#   BASE_CODE=/tmp/base BASE_SITE=/tmp/site-base MINE_CODE=$PWD MINE_SITE=/tmp/site-mine \
#     KINDS="body title" ROUNDS=2 benchmarks/cached_edits.sh
#
# Each site needs a first (clean) build by its own checkout, so its build cache matches that code; each timed
# build follows one edit of the alphabetically first page (benchmarks/build.py's edits). Prints wall, CPU
# (user + sys, workers included) and peak RSS of `/usr/bin/time -v`, and the load average.
set -eu
PY=${PY:-$(cd "$(dirname "$0")/.." && pwd)/.venv/bin/python}
EDIT=$(dirname "$0")/edit_page.py
run() { # name site pythonpath
  local out; out=$(mktemp)
  # -P: `python -m` would put the current folder first on sys.path, so run from a checkout it would build every
  # site with that checkout's sitegen, whatever PYTHONPATH says.
  PYTHONPATH=$3 /usr/bin/time -v -o "$out" "$PY" -P -m sitegen build -q --site "$2" >/dev/null
  local u s w m
  u=$(awk '/User time/ {print $4}' "$out"); s=$(awk '/System time/ {print $4}' "$out")
  w=$(awk '/Elapsed/ {print $8}' "$out"); m=$(awk '/Maximum resident/ {print $6}' "$out")
  echo "$1 wall=$w cpu=$(echo "$u + $s" | bc) maxrss_kb=$m load=$(cut -d' ' -f1 /proc/loadavg)"
  rm -f "$out"
}
for code in "$BASE_CODE" "$MINE_CODE"; do
  echo "$code: $(cd / && PYTHONPATH=$code "$PY" -P -c 'import sitegen; print(sitegen.__file__)')"
done
uptime
for kind in ${KINDS:-body title}; do
  for r in $(seq "${ROUNDS:-2}"); do
    "$PY" "$EDIT" "$BASE_SITE" "$kind" $((r + 10)); run "base $kind $r" "$BASE_SITE" "$BASE_CODE"
    "$PY" "$EDIT" "$MINE_SITE" "$kind" $((r + 10)); run "mine $kind $r" "$MINE_SITE" "$MINE_CODE"
  done
done
uptime
