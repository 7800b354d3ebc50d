#!/usr/bin/env bash
# Alternated comparison of two binaries on the same machine (issue 13's HTTP guard): for each
# round and each binary, a fresh `metiers serve` (match cache as CACHE says), wrk on /healthz
# then on POST /api/v1/match with the titles of real State posts, and the server's CPU time
# per request read from /proc/PID/stat around each load. Alternating the binaries keeps a
# shared machine's drift out of the comparison.
#
# Usage: bench/load/ab.sh OLD_BIN NEW_BIN [ROUNDS=4] [CACHE=0] [DURATION=10s]
# Needs wrk (Debian package). One line per load on stdout.
set -euo pipefail
cd "$(dirname "$0")/../.."
old=${1:?"usage : bench/load/ab.sh ANCIEN_BINAIRE NOUVEAU_BINAIRE [TOURS] [CACHE] [DURÉE]"}
new=${2:?"usage : bench/load/ab.sh ANCIEN_BINAIRE NOUVEAU_BINAIRE [TOURS] [CACHE] [DURÉE]"}
rounds=${3:-4}
cache=${4:-0}
duration=${5:-10s}
port="${BENCH_PORT:-18556}"
out=target/bench-load
mkdir -p "$out"
command -v wrk >/dev/null || { echo "wrk manquant : apt-get install wrk" >&2; exit 1; }
titles="$out/titres-public-it-posts.txt"
python3 bench/load/distinct_titles.py --posts data/eval/public-it-posts.jsonl --out "$titles"
work=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$work"' EXIT

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

one() { # label binary
  (cd "$work" && METIERS_LOG=warn METIERS_MATCH_CACHE="$cache" exec "$2" serve --addr "127.0.0.1:$port" --db aucune 2>/dev/null) &
  pid=$!
  for _ in $(seq 1 100); do
    curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
    sleep 0.1
  done
  local kind a b rps p99
  for kind in healthz match; do
    a=$(cpu_ticks $pid)
    if [ $kind = healthz ]; then
      wrk -t2 -c64 -d"$duration" --latency "http://127.0.0.1:$port/healthz" > "$work/wrk.txt"
    else
      BENCH_TITLES="$titles" wrk -t2 -c64 -d"$duration" --latency -s bench/load/titles.lua \
        "http://127.0.0.1:$port/api/v1/match" > "$work/wrk.txt"
    fi
    b=$(cpu_ticks $pid)
    rps=$(awk '/^Requests\/sec/ {print $2}' "$work/wrk.txt")
    p99=$(awk '/^ +99%/ {print $2}' "$work/wrk.txt")
    echo "$1 $kind : $rps req/s, p99 $p99, CPU du serveur par requête $(awk -v t=$((b - a)) -v r="$rps" -v hz="$(getconf CLK_TCK)" -v d="${duration%s}" 'BEGIN {printf "%.1f", t / hz / (r * d) * 1e6}') µs"
  done
  kill $pid; wait $pid 2>/dev/null || true
  pid=
}

echo "cache des résultats : $cache entrée(s) ; wrk -t2 -c64 -d$duration ; $(nproc) cœurs"
for round in $(seq 1 "$rounds"); do
  one "tour $round ancien" "$old"
  one "tour $round nouveau" "$new"
done
