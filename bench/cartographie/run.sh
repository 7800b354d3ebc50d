#!/usr/bin/env bash
# Cartographie benchmark (issue 5): import and classify 100,000 positions, titles only and
# titles with a missions paragraph, into SQLite and into PostgreSQL; time and peak memory.
#
# Usage, from the repository root:
#   cargo build --release -p metiers
#   bench/cartographie/run.sh [COUNT]            # COUNT defaults to 100000
# PostgreSQL: METIERS_BENCH_POSTGRES_URL (default postgres://root@127.0.0.1:5432/test); the
# run creates and drops the schema `metiers_bench`. Set it to "none" to skip PostgreSQL.
# Prints one Markdown table row per run (for docs/PERFORMANCE.md).
set -euo pipefail
COUNT="${1:-100000}"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BIN="${METIERS_BIN:-$ROOT/target/release/metiers}"
OUT="${METIERS_BENCH_DIR:-/tmp/bench-carto}"
PG="${METIERS_BENCH_POSTGRES_URL:-postgres://root@127.0.0.1:5432/test}"
[ -x "$BIN" ] || { echo "construisez d’abord : cargo build --release -p metiers" >&2; exit 1; }
mkdir -p "$OUT"
python3 "$ROOT/bench/cartographie/generate.py" --count "$COUNT" --out "$OUT" --metiers "$BIN" >/dev/null

run() { # label url file
  local label="$1" url="$2" file="$3" log="$OUT/time-$1.log"
  /usr/bin/time -v "$BIN" cartographie --db "$url" import "$file" 2>"$log" >/dev/null
  local wall rss
  wall=$(grep "Elapsed (wall clock)" "$log" | awk '{print $NF}')
  rss=$(grep "Maximum resident set size" "$log" | awk '{print $NF}')
  echo "| $label | $(basename "$file") | $wall | $((rss / 1024)) MB | $(grep -o 'importé(s) dans .* en [0-9.]* s' "$log" | sed 's/.* en //') |"
}

echo "| backend | file | wall clock (m:ss) | peak RSS | import (own clock) |"
echo "|---|---|---|---|---|"
for kind in titres missions; do
  file="$OUT/$kind-$COUNT.csv"
  rm -f "$OUT/bench.db" "$OUT/bench.db-wal" "$OUT/bench.db-shm"
  run "SQLite-$kind" "sqlite://$OUT/bench.db" "$file"
  run "SQLite-$kind-reimport" "sqlite://$OUT/bench.db" "$file"
  if [ "$PG" != "none" ]; then
    psql "$PG" -q -c "SET client_min_messages = warning; DROP SCHEMA IF EXISTS metiers_bench CASCADE; CREATE SCHEMA metiers_bench"
    run "PostgreSQL-$kind" "$PG?options[search_path]=metiers_bench" "$file"
    run "PostgreSQL-$kind-reimport" "$PG?options[search_path]=metiers_bench" "$file"
    psql "$PG" -q -c "SET client_min_messages = warning; DROP SCHEMA metiers_bench CASCADE"
  fi
done
