#!/usr/bin/env bash
# Installs what the tests need beyond Python packages, once each. Safe to run again.
#   - Debian's Chromium: the browser tests, and the server's PDF of the meeting pack;
#   - poppler-utils (pdftoppm, pdftotext): the tests render the PDF's pages and read its text;
#   - axe-core from npm, pinned, into .cache/axe (git-ignored): the accessibility checks of every page;
#   - Debian's PostgreSQL server: the store and import tests also run against a real PostgreSQL that the tests
#     start on loopback (unless MEASURES_TEST_PG_URL names a server to use instead).
set -euo pipefail
AXE_CORE_VERSION="4.14.1"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
AXE_DIR="$ROOT/.cache/axe"

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
packages=()
command -v chromium >/dev/null 2>&1 || packages+=(chromium fonts-liberation)
command -v pdftoppm >/dev/null 2>&1 || packages+=(poppler-utils)
command -v npm >/dev/null 2>&1 || packages+=(npm)
if [ -z "${MEASURES_TEST_PG_URL:-}" ] && ! command -v initdb >/dev/null 2>&1 \
    && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  packages+=(postgresql)
fi
if [ "${#packages[@]}" -gt 0 ]; then
  echo "Installing ${packages[*]} from Debian's packages for the tests..."
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${packages[@]}" >/dev/null
fi
command -v chromium >/dev/null
command -v pdftoppm >/dev/null

installed=""
if [ -f "$AXE_DIR/node_modules/axe-core/package.json" ]; then
  installed="$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$AXE_DIR/node_modules/axe-core/package.json" | head -n 1)"
fi
if [ "$installed" != "$AXE_CORE_VERSION" ]; then
  echo "Installing axe-core $AXE_CORE_VERSION from npm into .cache/axe for the accessibility tests..."
  npm install --prefix "$AXE_DIR" --no-save --no-package-lock --no-audit --no-fund --loglevel=error \
    "axe-core@$AXE_CORE_VERSION" >/dev/null
fi
test -f "$AXE_DIR/node_modules/axe-core/axe.min.js"
