#!/usr/bin/env bash
# Installs what a fresh Debian machine needs to build, run and test SamÅpne:
# - libclang-dev: RocksDB's Rust bindings are generated with bindgen, which needs libclang;
# - pySHACL (PyPI): the tests check our RDF against the official shapes with it, independently;
# - the npm ldes-client (tests/js): the reference LDES client replays our event streams;
# - Debian's chromium, and playwright-core + axe-core (tests/js): the accessibility test.
# Idempotent: installs only what is missing.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
missing=()
for pkg in libclang-dev python3-pip chromium; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
# A pip that is already on PATH (pyenv, venv) is as good as Debian's.
if [[ " ${missing[*]} " == *" python3-pip "* ]] && python3 -m pip --version >/dev/null 2>&1; then
  missing=("${missing[@]/python3-pip}")
fi
if [ -n "${missing[*]// /}" ]; then
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq ${missing[*]}
fi
if ! python3 -c "import pyshacl, rdflib" 2>/dev/null; then
  python3 -m pip install -q "pyshacl==0.40.1" "rdflib>=7" \
    || python3 -m pip install -q --break-system-packages "pyshacl==0.40.1" "rdflib>=7"
fi
# Node.js comes with the machine image (Debian's nodejs otherwise); the lock file pins versions.
if ! command -v npm >/dev/null 2>&1; then
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq nodejs npm
fi
if [ ! -d "$(dirname "$0")/../tests/js/node_modules/axe-core" ]; then
  (cd "$(dirname "$0")/../tests/js" && npm ci --no-audit --no-fund --loglevel=error)
fi
