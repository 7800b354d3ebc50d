#!/usr/bin/env bash
# Exploitation (issue 7): online backup of a SQLite workspace while a server writes to it,
# restore and row-for-row comparison, bounded cardinality of /metrics, stop on SIGTERM.
#
# Usage, from the repository root, after `cargo build -p metiers` (or METIERS_BIN=…):
#   bench/ops/run.sh [COUNT]        # COUNT positions imported first, default 20000
# Every request goes to 127.0.0.1; every loop is bounded. Prints the figures for
# docs/RELIABILITY.md (« Exploitation »).
set -euo pipefail
COUNT="${1:-20000}"
REVIEWS="${METIERS_OPS_REVIEWS:-400}"
PROBES="${METIERS_OPS_PROBES:-2000}"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BIN="${METIERS_BIN:-$ROOT/target/debug/metiers}"
[ -x "$BIN" ] || { echo "construisez d’abord : cargo build -p metiers" >&2; exit 1; }
command -v sqlite3 >/dev/null || { echo "sqlite3 manque : apt-get install sqlite3" >&2; exit 1; }
WORK="$(mktemp -d /tmp/metiers-ops.XXXXXX)"
SERVER=""
cleanup() { [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
now() { date +%s.%N; }
since() { LC_ALL=C printf '%.2f' "$(echo "$(now) - $1" | bc)"; }

python3 "$ROOT/bench/cartographie/generate.py" --count "$COUNT" --out "$WORK" --metiers "$BIN" >/dev/null
DB="sqlite://$WORK/carto.db"
t=$(now)
"$BIN" cartographie --db "$DB" import "$WORK/titres-$COUNT.csv" 2>/dev/null
echo "import : $COUNT postes en $(since "$t") s"

TOKEN="jeton-bench-ops-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
METIERS_ADMIN_TOKEN="$TOKEN" "$BIN" serve --addr 127.0.0.1:0 --metrics-addr 127.0.0.1:0 \
  --db "$DB" --log warn 2>"$WORK/serve.log" &
SERVER=$!
for _ in $(seq 1 240); do
  grep -q "portail et API sur" "$WORK/serve.log" && break
  sleep 0.5
done
ADDR=$(grep -o "portail et API sur http://[0-9.:]*" "$WORK/serve.log" | sed 's|.*http://||')
METRICS=$(grep -o "métriques Prometheus sur http://[0-9.:]*" "$WORK/serve.log" | sed 's|.*http://||')
[ -n "$ADDR" ] && [ -n "$METRICS" ] || { cat "$WORK/serve.log" >&2; exit 1; }

# Reviews through the API while backups are taken.
(
  ok=0
  for i in $(seq 1 "$REVIEWS"); do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 30 -X POST \
      -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
      -d '{"occupation_id":"concepteur-developpeur","reviewer":"Banc d’essai"}' \
      "http://$ADDR/api/v1/positions/$i/review")
    [ "$code" = 200 ] && ok=$((ok + 1))
  done
  echo "$ok" >"$WORK/reviews-ok"
) &
WRITER=$!
sleep 1
n=0
while kill -0 "$WRITER" 2>/dev/null && [ "$n" -lt 5 ]; do
  n=$((n + 1))
  t=$(now)
  "$BIN" cartographie --db "$DB" backup "$WORK/pendant-$n.db" 2>/dev/null
  d=$(since "$t")
  check=$(sqlite3 "$WORK/pendant-$n.db" "PRAGMA integrity_check;")
  reviews=$(sqlite3 "$WORK/pendant-$n.db" "SELECT COUNT(*) FROM reviews;")
  echo "sauvegarde $n pendant les écritures : $d s, $(stat -c %s "$WORK/pendant-$n.db") octets, integrity_check=$check, $reviews décisions"
done
wait "$WRITER"
echo "décisions enregistrées par l’API pendant les sauvegardes : $(cat "$WORK/reviews-ok") / $REVIEWS"

# Cardinality: unknown paths all count under one series.
curl -s -o /dev/null "http://$ADDR/inconnu-0"
before=$(curl -s "http://$METRICS/metrics" | grep -vc '^#')
t=$(now)
for i in $(seq 1 "$PROBES"); do
  curl -s -o /dev/null "http://$ADDR/inconnu-$i-$RANDOM"
done
after=$(curl -s "http://$METRICS/metrics" | grep -vc '^#')
unmatched=$(curl -s "http://$METRICS/metrics" | grep 'metiers_http_requests_total{method="GET",route="aucune",status="4xx"}')
echo "métriques : $before séries avant, $after après $PROBES chemins inconnus distincts ($(since "$t") s) ; $unmatched"

t=$(now)
kill -TERM "$SERVER"
wait "$SERVER" && status=0 || status=$?
SERVER=""
echo "arrêt sur SIGTERM : code $status en $(since "$t") s"

t=$(now)
"$BIN" cartographie --db "$DB" backup "$WORK/finale.db" 2>/dev/null
"$BIN" cartographie --db "sqlite://$WORK/restauree.db" restore "$WORK/finale.db" 2>/dev/null
echo "sauvegarde finale puis restauration : $(since "$t") s"
# Lines of the dump sorted: VACUUM INTO may write the schema's entries in another order.
dump() { sqlite3 "$1" .dump | LC_ALL=C sort | sha256sum | cut -c1-16; }
a=$(dump "$WORK/carto.db"); b=$(dump "$WORK/restauree.db")
echo "contenu (lignes de sqlite3 .dump triées, SHA-256) : base $a, restaurée $b : $([ "$a" = "$b" ] && echo identiques || echo DIFFÉRENTS)"
[ "$a" = "$b" ]
