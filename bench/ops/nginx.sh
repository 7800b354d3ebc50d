#!/usr/bin/env bash
# deploy/nginx.conf in front of two instances on one PostgreSQL database, and a rolling
# restart (SIGTERM, start again) of one of them while requests go through nginx: counts the
# requests that did not get a 200, and which instance answered.
#
# Usage, from the repository root, after `cargo build -p metiers` (or METIERS_BIN=…):
#   bench/ops/nginx.sh [REQUESTS]       # default 600
# Needs nginx (NGINX_BIN=…, default `nginx`; not NGINX, which nginx reads), openssl, curl,
# psql; PostgreSQL at METIERS_TEST_POSTGRES_URL (default postgres://root@127.0.0.1:5432/test),
# where the run creates and drops the schema metiers_ops_nginx. Everything listens on
# 127.0.0.1.
set -euo pipefail
REQUESTS="${1:-600}"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BIN="${METIERS_BIN:-$ROOT/target/debug/metiers}"
NGINX_BIN="${NGINX_BIN:-nginx}"
PG="${METIERS_TEST_POSTGRES_URL:-postgres://root@127.0.0.1:5432/test}"
SCHEMA=metiers_ops_nginx
WORK="$(mktemp -d /tmp/metiers-nginx.XXXXXX)"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true
  psql "$PG" -q -c "SET client_min_messages = warning; DROP SCHEMA IF EXISTS $SCHEMA CASCADE" || true
  rm -rf "$WORK"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

psql "$PG" -q -c "SET client_min_messages = warning; DROP SCHEMA IF EXISTS $SCHEMA CASCADE; CREATE SCHEMA $SCHEMA"
sep='?'; case "$PG" in *\?*) sep='&';; esac
DB="$PG${sep}options[search_path]=$SCHEMA"
A=$(free_port); B=$(free_port); P=$(free_port); H=$(free_port)
TOKEN="jeton-bench-nginx-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"

start() { # port log
  METIERS_ADMIN_TOKEN="$TOKEN" "$BIN" serve --addr "127.0.0.1:$1" --db "$DB" --log warn 2>>"$2" &
  PIDS+=($!)
  for _ in $(seq 1 240); do
    curl -s -o /dev/null "http://127.0.0.1:$1/healthz" && return 0
    sleep 0.25
  done
  echo "l’instance $1 n’a pas démarré" >&2; cat "$2" >&2; exit 1
}
start "$A" "$WORK/a.log"; PID_A=${PIDS[-1]}
start "$B" "$WORK/b.log"

# deploy/nginx.conf as shipped, with this run's ports, certificate and log paths.
mkdir -p "$WORK/logs" "$WORK/tmp"
openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -days 1 \
  -keyout "$WORK/privkey.pem" -out "$WORK/fullchain.pem" 2>/dev/null
sed -e "s|127.0.0.1:8081|127.0.0.1:$A|; s|127.0.0.1:8082|127.0.0.1:$B|" \
    -e "s|listen 443 ssl http2;|listen 127.0.0.1:$P ssl http2;|; /listen \[::\]/d" \
    -e "s|listen 80;|listen 127.0.0.1:$H;|" \
    -e "s|/etc/ssl/metiers|$WORK|; s|/var/log/nginx|$WORK/logs|" \
    "$ROOT/deploy/nginx.conf" >"$WORK/metiers.conf"
cat >"$WORK/nginx.conf" <<CONF
pid $WORK/nginx.pid;
error_log $WORK/logs/error.log;
events {}
http {
  access_log $WORK/logs/access.log;
  client_body_temp_path $WORK/tmp; proxy_temp_path $WORK/tmp; fastcgi_temp_path $WORK/tmp;
  uwsgi_temp_path $WORK/tmp; scgi_temp_path $WORK/tmp;
  include $WORK/metiers.conf;
}
CONF
"$NGINX_BIN" -t -q -p "$WORK" -c "$WORK/nginx.conf"
"$NGINX_BIN" -p "$WORK" -c "$WORK/nginx.conf"

codes="$WORK/codes"
t0=$(date +%s.%N)
for i in $(seq 1 "$REQUESTS"); do
  if [ "$i" = $((REQUESTS / 3)) ]; then
    # Rolling restart of instance A while the requests go on.
    ( kill -TERM "$PID_A"; while kill -0 "$PID_A" 2>/dev/null; do sleep 0.1; done
      METIERS_ADMIN_TOKEN="$TOKEN" "$BIN" serve --addr "127.0.0.1:$A" --db "$DB" --log warn 2>>"$WORK/a.log" &
      echo $! >"$WORK/a2.pid" ) &
  fi
  curl -sk -o /dev/null -w '%{http_code}\n' --max-time 30 "https://127.0.0.1:$P/api/v1/occupations" >>"$codes" || echo 000 >>"$codes"
done
elapsed=$(LC_ALL=C printf '%.1f' "$(echo "$(date +%s.%N) - $t0" | bc)")
[ -f "$WORK/a2.pid" ] && PIDS+=("$(cat "$WORK/a2.pid")")
ok=$(grep -c '^200$' "$codes" || true)
echo "nginx $("$NGINX_BIN" -v 2>&1 | sed 's|.*/||') devant 2 instances (PostgreSQL), redémarrage de l’une pendant l’envoi :"
echo "  $REQUESTS requêtes en $elapsed s, $ok réponses 200, $((REQUESTS - ok)) autres ($(grep -v '^200$' "$codes" | sort | uniq -c | tr '\n' ' '))"
echo "  réparties : $(awk '{print $NF}' "$WORK/logs/metiers.access.log" | sed "s|127.0.0.1:$A|instance-A|g; s|127.0.0.1:$B|instance-B|g" | sort | uniq -c | tr '\n' ' ')"
echo "  /metrics par nginx : $(curl -sk -o /dev/null -w '%{http_code}' "https://127.0.0.1:$P/metrics") ; /healthz : $(curl -sk -o /dev/null -w '%{http_code}' "https://127.0.0.1:$P/healthz")"
[ "$ok" = "$REQUESTS" ]
