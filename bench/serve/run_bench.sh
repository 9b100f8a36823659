#!/usr/bin/env bash
# Throughput and latency of `serve` against a minimal Flask + numpy app serving the same
# model, with wrk, for single-row and 100-row JSON requests.
#
#   bench/serve/run_bench.sh [BUILD_DIR] [SECONDS] [CONNECTIONS]
#
# BUILD_DIR defaults to build/release (it needs bin/clean, bin/train, bin/serve). The model
# is trained on ../shared/data/housing.csv when present, else on data/raw.csv. Needs wrk
# and /usr/bin/python3 with flask and numpy (Debian: wrk python3-flask python3-numpy).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$(cd "${1:-$root/build/release}" && pwd)
seconds=${2:-5}
connections=${3:-16}
python=/usr/bin/python3

command -v wrk > /dev/null || { echo "run_bench: wrk not found (apt-get install wrk)" >&2; exit 69; }
$python -c 'import flask, numpy' 2> /dev/null ||
  { echo "run_bench: $python needs flask and numpy (apt-get install python3-flask python3-numpy)" >&2; exit 69; }

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2> /dev/null || true; done
  wait 2> /dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

data="$root/data/raw.csv"
[[ -f "$root/../shared/data/housing.csv" ]] && data="$root/../shared/data/housing.csv"
(cd "$work" && "$build/bin/clean" --input "$data" --output clean.csv 2> /dev/null &&
  "$build/bin/train" --input clean.csv --output trained.pkl --target median_house_value 2> /dev/null)
$python "$here/make_bodies.py" "$work/clean.csv" "$work"

free_port() { $python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() {
  for _ in $(seq 1 200); do
    curl -s --noproxy '*' -o /dev/null "http://127.0.0.1:$1/health" && return 0
    sleep 0.05
  done
  echo "run_bench: nothing answers on port $1" >&2
  exit 1
}

serve_port=$(free_port)
(cd "$work" && exec "$build/bin/serve" --model trained.pkl --port "$serve_port" --threads 2 2> serve.err) &
pids+=($!)
flask_port=$(free_port)
(cd "$work" && exec $python "$here/flask_app.py" trained.pkl "$flask_port" > flask.out 2>&1) &
pids+=($!)
wait_port "$serve_port"
wait_port "$flask_port"

# The two must agree before their speed is compared.
$python - "$serve_port" "$flask_port" "$work/hundred.json" << 'PY'
import json, sys, urllib.request
body = open(sys.argv[3], "rb").read()
def ask(port):
    req = urllib.request.Request(f"http://127.0.0.1:{port}/predict", body, {"Content-Type": "application/json"})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    return json.load(opener.open(req))["predictions"]
a, b = ask(sys.argv[1]), ask(sys.argv[2])
worst = max(abs(x - y) / abs(x) for x, y in zip(a, b))
print(f"serve and Flask agree on 100 rows (largest relative difference {worst:.1e})")
assert worst < 1e-9
PY

run() {  # name port body
  BODY_FILE="$work/$3.json" wrk -t1 -c"$connections" -d"${seconds}s" -s "$here/post_body.lua" \
    "http://127.0.0.1:$2/predict" | grep '^RESULT' | sed "s/^RESULT/$1 $3/"
}

echo "wrk -t1 -c$connections -d${seconds}s, $(nproc) CPUs, model trained on $(basename "$data")"
results=$(
  run serve "$serve_port" one
  run serve "$serve_port" hundred
  run flask "$flask_port" one
  run flask "$flask_port" hundred
)
printf '%-6s %-8s %14s %14s %10s %10s %8s\n' server rows requests/s predictions/s p50_ms p99_ms errors
echo "$results" | while read -r name body rest; do
  eval "$rest"
  rows=1; [[ $body == hundred ]] && rows=100
  printf '%-6s %-8s %14s %14s %10s %10s %8s\n' "$name" "$rows" "$requests_per_s" \
    "$((requests_per_s * rows))" "$p50_ms" "$p99_ms" "$errors"
done
serve_one=$(echo "$results" | awk '$1=="serve" && $2=="one" {split($3,a,"="); print a[2]}')
flask_one=$(echo "$results" | awk '$1=="flask" && $2=="one" {split($3,a,"="); print a[2]}')
echo "single-row speedup over Flask: $(awk -v s="$serve_one" -v f="$flask_one" 'BEGIN {printf "%.1fx", s / f}')"
