#!/bin/sh
# Runs the official-client check against the mock binary given as $1 (ctest passes it).
# Installs the locked dependencies on first use.
set -eu
cd "$(dirname "$0")"
if [ ! -d node_modules ]; then
    npm ci --no-audit --no-fund --loglevel=error
fi
MOCK_OLLAMA_BIN="$1" exec node --test mock_ollama.test.mjs
