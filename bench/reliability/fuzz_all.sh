#!/usr/bin/env bash
# Runs every libFuzzer target for SECONDS each, one after the other, on a corpus kept in
# the build directory between sessions (seeded from tests/fuzz/corpus/<target>), and prints
# one line of figures per target: seconds, executions, executions per second, corpus size,
# crashes. Crashing inputs land in <build>/artifacts/<target>/; a non-zero exit means one
# was found. The figures go to docs/RELIABILITY.md.
#
#   cmake --preset fuzz && cmake --build --preset fuzz          # build/fuzz
#   bench/reliability/fuzz_all.sh 300                           # 5 minutes per target
#   bench/reliability/fuzz_all.sh 1800 build/fuzz fuzz_dag_loader   # one target, 30 minutes
set -uo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-60}
build=${2:-build/fuzz}
shift 2 2>/dev/null || shift $#
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(fuzz_csv_reader fuzz_model_loader fuzz_dag_loader fuzz_predict_body)
fi
status=0
printf '%-20s %8s %12s %9s %8s %8s\n' target seconds executions exec/s corpus crashes
for target in "${targets[@]}"; do
  corpus="$build/fuzz-corpus/$target"
  artifacts="$build/artifacts/$target"
  log="$build/fuzz-$target.log"
  mkdir -p "$corpus" "$artifacts"
  cp -n "tests/fuzz/corpus/$target"/* "$corpus/" 2>/dev/null
  started=$(date +%s)
  ASAN_OPTIONS=detect_leaks=1 "$build/bin/$target" -max_total_time="$seconds" -timeout=10 \
    -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 -artifact_prefix="$artifacts/" \
    "$corpus" >"$log" 2>&1
  rc=$?
  elapsed=$(($(date +%s) - started))
  executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  per_second=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
  crashes=$(find "$artifacts" -type f -newermt "@$started" | wc -l)
  printf '%-20s %8s %12s %9s %8s %8s\n' "$target" "$elapsed" "${executions:-?}" \
    "${per_second:-?}" "$(ls "$corpus" | wc -l)" "$crashes"
  if [ $rc -ne 0 ] || [ "$crashes" -ne 0 ]; then
    echo "  $target: exit $rc; see $log and $artifacts/" >&2
    status=1
  fi
done
exit $status
