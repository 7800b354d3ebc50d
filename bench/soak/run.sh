#!/usr/bin/env bash
# Load and soak (issue 7): wrk holds the portal and the API at 256 concurrent connections for
# DURATION with a mix of searches, suggestions, matches of titles (thousands of distinct ones)
# and of ads, fiche pages, cartographie reads (API list and dashboard, portal pages) and
# writes (reviews through the API with the administrator token), against one `metiers serve`
# on SQLite or PostgreSQL. Samples the server's VmRSS every second into a CSV; at the end,
# checks that no position was lost and that every acknowledged review is stored.
#
# Usage: bench/soak/run.sh [DURATION=3m] [sqlite|postgres]
#   METIERS_BIN=path     skips the release build
#   METIERS_SOAK_POSTGRES_URL   default postgres://root@127.0.0.1:5432/test (schema metiers_soak,
#                               dropped and created again)
#   SOAK_POSITIONS=5000  positions imported before the load
# Needs wrk (Debian package; installed when missing and run as root) and python3.
# Results: stdout and target/bench-soak/BACKEND/ (results.md, rss.csv, wrk.txt, server.log).
# Exit status 1 when a request failed, a position or a review was lost, or memory grew.
set -euo pipefail
cd "$(dirname "$0")/../.."
duration="${1:-3m}"
backend="${2:-sqlite}"
connections=256
threads=2
port="${SOAK_PORT:-18190}"
count="${SOAK_POSITIONS:-5000}"
token="jeton-soak-$(date +%s)-$$"
out="target/bench-soak/$backend"
rm -rf "$out"
mkdir -p "$out"

case "$backend" in
  sqlite) db="sqlite://$PWD/$out/soak.db" ;;
  postgres)
    pg_base="${METIERS_SOAK_POSTGRES_URL:-postgres://root@127.0.0.1:5432/test}"
    psql "$pg_base" -q -c "SET client_min_messages = warning; DROP SCHEMA IF EXISTS metiers_soak CASCADE; CREATE SCHEMA metiers_soak"
    sep='?'; [[ "$pg_base" == *\?* ]] && sep='&'
    db="${pg_base}${sep}options[search_path]=metiers_soak" ;;
  *) echo "base inconnue « $backend » : sqlite ou postgres" >&2; exit 2 ;;
esac

if ! command -v wrk >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get install -y -qq wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
  else
    echo "wrk manquant : apt-get install wrk" >&2; exit 1
  fi
fi
if [ -z "${METIERS_BIN:-}" ]; then
  cargo build --release -p metiers
  METIERS_BIN=target/release/metiers
fi

# Data: real-shaped positions (imported) and the request bodies drawn from them.
python3 bench/cartographie/generate.py --count "$count" --out "$out/data" --metiers "$METIERS_BIN" >/dev/null
python3 bench/soak/prepare.py --positions "$out/data/titres-$count.csv" --metiers "$METIERS_BIN" --out "$out/data"
"$METIERS_BIN" cartographie --db "$db" import "$out/data/titres-$count.csv" 2> "$out/import.log" >/dev/null

METIERS_ADMIN_TOKEN="$token" "$METIERS_BIN" serve --addr "127.0.0.1:$port" --db "$db" 2> "$out/server.log" &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 200); do
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done
base="http://127.0.0.1:$port"
# The login form carries a CSRF token, also set in a cookie (double submit).
jar=$(mktemp)
login_csrf=$(curl -fsS -c "$jar" "$base/cartographie/connexion" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p')
cookie=$(curl -sS -o /dev/null -D - -b "$jar" --data-urlencode "csrf=$login_csrf" --data-urlencode "jeton=$token" \
  --data-urlencode "nom=Charge portail" "$base/cartographie/connexion" \
  | tr -d '\r' | awk -F'[ ;]' 'tolower($1) == "set-cookie:" && $2 ~ /^metiers_session=/ {print $2; exit}')
rm -f "$jar"
[ -n "$cookie" ] || { echo "connexion au portail impossible" >&2; exit 1; }
first_id=$(curl -fsS -H "Authorization: Bearer $token" "$base/api/v1/positions?limit=1" \
  | python3 -c 'import json, sys; print(json.load(sys.stdin)["positions"][0]["id"])')

# VmRSS every second while wrk runs (bounded by wrk's own duration).
echo "seconde,rss_kio" > "$out/rss.csv"
SOAK_DATA="$out/data" SOAK_TOKEN="$token" SOAK_COOKIE="$cookie" SOAK_FIRST_ID="$first_id" SOAK_POSITIONS="$count" \
  wrk -t"$threads" -c"$connections" -d"$duration" --timeout 10s --latency -s bench/soak/mix.lua "$base" \
  > "$out/wrk.txt" 2> "$out/wrk-errors.txt" &
wrk_pid=$!
started=$(date +%s)
while kill -0 $wrk_pid 2>/dev/null; do
  rss=$(awk '/VmRSS/ {print $2}' /proc/$pid/status 2>/dev/null || echo 0)
  echo "$(( $(date +%s) - started )),$rss" >> "$out/rss.csv"
  sleep 1
done
wait $wrk_pid

# What the server holds after the load.
positions_after=$(curl -fsS -H "Authorization: Bearer $token" "$base/api/v1/positions?limit=1" \
  | python3 -c 'import json, sys; print(json.load(sys.stdin)["total"])')
kill $pid; wait $pid 2>/dev/null || true
trap - EXIT
case "$backend" in
  sqlite) reviews_stored=$(python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT COUNT(*) FROM reviews").fetchone()[0])' "$out/soak.db") ;;
  postgres) reviews_stored=$(psql "$pg_base" -tA -c "SELECT COUNT(*) FROM metiers_soak.reviews") ;;
esac
reviews_acked=$(awk '/^reviews_acknowledged/ {print $2}' "$out/wrk.txt")

requests=$(awk '/requests in/ {print $1}' "$out/wrk.txt")
rps=$(awk '/^Requests\/sec/ {print $2}' "$out/wrk.txt")
p50=$(awk '/^ +50%/ {print $2}' "$out/wrk.txt")
p99=$(awk '/^ +99%/ {print $2}' "$out/wrk.txt")
non2xx=$(awk '/Non-2xx/ {print $5}' "$out/wrk.txt")
sock=$(awk '/Socket errors/ {n = 0; for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) n += $i; print n}' "$out/wrk.txt")
errors=$(( ${non2xx:-0} + ${sock:-0} ))
# RSS: mean and max of the first and of the last minute (the first 5 s, start-up, left out).
read -r first_mean first_max last_mean last_max < <(python3 - "$out/rss.csv" <<'PY'
import csv, sys
rows = [(int(r["seconde"]), int(r["rss_kio"])) for r in csv.DictReader(open(sys.argv[1])) if r["rss_kio"].isdigit()]
end = rows[-1][0]
first = [k for s, k in rows if 5 <= s < 65] or [k for _, k in rows]
last = [k for s, k in rows if s > end - 60] or [k for _, k in rows]
mib = lambda k: k / 1024
print(f"{mib(sum(first) / len(first)):.1f} {mib(max(first)):.1f} {mib(sum(last) / len(last)):.1f} {mib(max(last)):.1f}")
PY
)
lost=$(( count - positions_after ))
reviews_lost=$(( reviews_acked - reviews_stored ))
grew=$(python3 -c "import sys; print(1 if float(sys.argv[2]) > float(sys.argv[1]) * 1.10 else 0)" "$first_max" "$last_mean")

{
  echo "| Base | Durée | Requêtes | Requêtes/s | Erreurs (non-2xx + socket) | p50 | p99 | RSS 1re minute (moy. / max) | RSS dernière minute (moy. / max) | Postes perdus | Revues acquittées / enregistrées |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  echo "| $backend | $duration | $requests | $rps | $errors | $p50 | $p99 | $first_mean / $first_max Mio | $last_mean / $last_max Mio | $lost | $reviews_acked / $reviews_stored |"
  echo
  echo "wrk -t$threads -c$connections -d$duration --timeout 10s -s bench/soak/mix.lua ; $count postes importés avant la charge ; serveur et wrk sur la même machine ($(nproc) cœurs)."
} > "$out/results.md"
cat "$out/results.md"
if [ -s "$out/wrk-errors.txt" ]; then echo "Réponses non 2xx (échantillon) :"; head -20 "$out/wrk-errors.txt"; fi
status=0
[ "$errors" = 0 ] || { echo "ÉCHEC : $errors requête(s) en erreur" >&2; status=1; }
[ "$lost" = 0 ] || { echo "ÉCHEC : $lost poste(s) perdu(s)" >&2; status=1; }
[ "$reviews_lost" -le 0 ] || { echo "ÉCHEC : $reviews_lost revue(s) acquittée(s) non enregistrée(s)" >&2; status=1; }
[ "$grew" = 0 ] || { echo "ÉCHEC : la mémoire croît (dernière minute $last_mean Mio contre $first_max Mio au plus la première)" >&2; status=1; }
exit $status
