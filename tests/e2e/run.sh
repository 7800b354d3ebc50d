#!/usr/bin/env bash
# End-to-end test of the portal in a real browser (Debian's Chromium, playwright-core,
# axe-core). Installs what is missing, builds the binary, runs tests/e2e/e2e.mjs.
# Screenshots and report: target/e2e-artefacts/ (E2E_ARTEFACTS to change it).
# METIERS_BIN=path skips the build (e.g. a release binary).
set -euo pipefail
if [ -n "${METIERS_BIN:-}" ]; then METIERS_BIN="$(realpath "$METIERS_BIN")"; export METIERS_BIN; fi
cd "$(dirname "$0")"
root="$(cd ../.. && pwd)"

if ! command -v "${CHROMIUM:-/usr/bin/chromium}" >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
  else
    echo "Chromium manquant : sudo apt-get install chromium, puis relancez." >&2
    exit 1
  fi
fi
npm ci --no-audit --no-fund --silent
if [ -z "${METIERS_BIN:-}" ]; then
  (cd "$root" && cargo build -p metiers)
  export METIERS_BIN="$root/target/debug/metiers"
fi
node e2e.mjs
