#!/usr/bin/env bash
# Runs each task program on a generated file of N rows (default 2,000,000, about 140 MB)
# and prints wall time, rows/s, MB/s of input and peak RSS per task: the median of REPEAT
# runs (default 3; the figures are of the median run). Dirty pages are written back
# (`sync`) before every run, so that a task is not timed while the kernel flushes the
# previous task's 140 MB output (that doubled clean's time on this machine's disk).
#
#   bench/tasks/bench_tasks.sh [ROWS]        # uses build/release/bin
#   REPEAT=5 bench/tasks/bench_tasks.sh
#   BIN=build/asan/bin bench/tasks/bench_tasks.sh 100000
#
# Targets on the 2-core reference machine (issue 3): clean >= 300 MB/s, train < 2 s,
# peak RSS < 64 MB for every task whatever the row count.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=${BIN:-$root/build/release/bin}
rows=${1:-2000000}
repeat=${REPEAT:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

"$bin/gen_housing" --rows "$rows" --output source.csv

printf '%-8s %9s %12s %9s %10s\n' task wall_s rows_per_s MB_per_s peak_MB
measure() {
  local task=$1 input=$2
  shift 2
  local bytes
  bytes=$(stat -c %s "$input")
  : > times.txt
  for _ in $(seq "$repeat"); do
    sync
    /usr/bin/time -f '%e %M' -o time.txt "$@" >/dev/null 2>task.err || {
      echo "$task failed:" >&2
      cat task.err >&2
      exit 1
    }
    cat time.txt >> times.txt
  done
  read -r wall rss_kb < <(sort -n times.txt | sed -n "$(( (repeat + 1) / 2 ))p")
  awk -v t="$task" -v w="$wall" -v r="$rows" -v b="$bytes" -v m="$rss_kb" 'BEGIN {
    if (w < 0.005) w = 0.005;
    printf "%-8s %9.3f %12.0f %9.1f %10.1f\n", t, w, r / w, b / w / 1e6, m / 1024 }'
}

measure ingest source.csv "$bin/ingest" --input source.csv --output raw.csv
measure clean raw.csv "$bin/clean" --input raw.csv --output clean.csv
measure train clean.csv "$bin/train" --input clean.csv --output trained.pkl --target median_house_value
measure save trained.pkl "$bin/save" --input trained.pkl --output marker.txt --no-serve
measure report clean.csv "$bin/report" --input trained.pkl --input clean.csv --output report.md
