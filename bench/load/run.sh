#!/usr/bin/env bash
# Load benchmark of the portal and API (issue 4): wrk at 64 connections against /healthz
# (the ceiling of this machine), POST /api/v1/match with job titles (20 that recur, then
# 5,000 distinct ones) and with job ads, and a fiche page, one after the other against the
# same `metiers serve` process, sampling its resident memory (VmRSS every 0.2 s; VmHWM at the
# end); then the distinct titles again, and the titles of real State posts, against a server
# without the match cache.
#
# Usage: bench/load/run.sh [DURATION=20s]; METIERS_BIN=path to skip the release build.
# The servers run with METIERS_LOG=warn: no request log line (as in the figures before the
# request log existed).
# Needs wrk (Debian package). Results: stdout and target/bench-load/results.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
duration="${1:-20s}"
connections=64
threads=2
port="${BENCH_PORT:-18180}"
out=target/bench-load
mkdir -p "$out"

command -v wrk >/dev/null || { echo "wrk manquant : apt-get install wrk" >&2; exit 1; }
if [ -z "${METIERS_BIN:-}" ]; then
  cargo build --release -p metiers
  METIERS_BIN=target/release/metiers
fi

titles="$out/titres-distincts.txt"
python3 bench/load/distinct_titles.py --count "${BENCH_DISTINCT:-5000}" --out "$titles" --metiers "$METIERS_BIN"
# The titles of real State job posts (issue 13's measure, data/eval/public-it-posts.jsonl):
# distinct, sent to the server without the match cache so that none is answered
# from it.
posts_file="${BENCH_POSTS:-data/eval/public-it-posts.jsonl}"
posts="$out/titres-public-it-posts.txt"
if [ -f "$posts_file" ]; then
  python3 bench/load/distinct_titles.py --posts "$posts_file" --out "$posts"
fi

METIERS_LOG=warn "$METIERS_BIN" serve --addr "127.0.0.1:$port" 2> "$out/server.log" &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.05
done
rss_idle=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)

# Samples VmRSS while a command runs; prints the peak in kB.
peak_rss() {
  local peak=0 rss
  "$@" &
  local job=$!
  while kill -0 $job 2>/dev/null; do
    rss=$(awk '/VmRSS/ {print $2}' /proc/$pid/status 2>/dev/null || echo 0)
    [ "${rss:-0}" -gt "$peak" ] && peak=$rss
    sleep 0.2
  done
  wait $job
  echo "$peak" > "$out/peak"
}

results="$out/results.md"
{
  echo "| Charge | Requêtes/s | Latence moyenne | p50 | p99 | Erreurs | RSS max (Mio) |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
} > "$results"

run() {
  local key=$1 name=$2; shift 2
  peak_rss wrk -t"$threads" -c"$connections" -d"$duration" --latency "$@" > "$out/$key.txt"
  local rps avg p50 p99 errors non2xx sock
  rps=$(awk '/^Requests\/sec/ {print $2}' "$out/$key.txt")
  avg=$(awk '/^    Latency/ {print $2; exit}' "$out/$key.txt")
  p50=$(awk '/^ +50%/ {print $2}' "$out/$key.txt")
  p99=$(awk '/^ +99%/ {print $2}' "$out/$key.txt")
  non2xx=$(awk '/Non-2xx/ {print $5}' "$out/$key.txt")
  sock=$(awk -F'[ ,]+' '/Socket errors/ {print $4+$6+$8+$10}' "$out/$key.txt")
  errors=$(( ${non2xx:-0} + ${sock:-0} ))
  local peak; peak=$(cat "$out/peak")
  printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$name" "$rps" "$avg" "$p50" "$p99" "$errors" \
    "$(awk -v k="$peak" 'BEGIN {printf "%.1f", k/1024}')" >> "$results"
}

base="http://127.0.0.1:$port"
run healthz "GET /healthz" "$base/healthz"
run match-titles "POST /api/v1/match (20 intitulés récurrents)" -s bench/load/titles.lua "$base/api/v1/match"
export BENCH_TITLES="$titles"
run match-distinct "POST /api/v1/match ($(wc -l < "$titles") intitulés distincts)" -s bench/load/titles.lua "$base/api/v1/match"
unset BENCH_TITLES
run match-ads "POST /api/v1/match (annonces)" -s bench/load/ads.lua "$base/api/v1/match"
run fiche "GET /metiers/{id} (page fiche)" "$base/metiers/administrateur-de-bases-de-donnees"

# The same title load with the match cache off (METIERS_MATCH_CACHE=0): the engine's own cost.
hwm=$(awk '/VmHWM/ {print $2}' /proc/$pid/status)
kill $pid; wait $pid 2>/dev/null || true
METIERS_LOG=warn METIERS_MATCH_CACHE=0 "$METIERS_BIN" serve --addr "127.0.0.1:$port" 2>> "$out/server.log" &
pid=$!
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.05
done
export BENCH_TITLES="$titles"
run match-distinct-nocache "POST /api/v1/match ($(wc -l < "$titles") intitulés distincts, cache désactivé)" -s bench/load/titles.lua "$base/api/v1/match"
if [ -s "$posts" ]; then
  export BENCH_TITLES="$posts"
  run match-posts-nocache "POST /api/v1/match ($(wc -l < "$posts") intitulés de public-it-posts, cache désactivé)" -s bench/load/titles.lua "$base/api/v1/match"
fi
run healthz-nocache "GET /healthz (second serveur)" "$base/healthz"

{
  echo
  echo "RSS au repos : $(awk -v k="$rss_idle" 'BEGIN {printf "%.1f", k/1024}') Mio ; pic de RSS du premier processus (VmHWM) : $(awk -v k="$hwm" 'BEGIN {printf "%.1f", k/1024}') Mio."
  echo "wrk -t$threads -c$connections -d$duration --latency, serveur et wrk sur la même machine ($(nproc) cœurs)."
} >> "$results"
cat "$results"
