#!/usr/bin/env bash
# Browser tests of the moodring page: bash run.sh [MOODRING_BINARY MOCK_OLLAMA_BINARY]
# (or set MOODRING_SERVER_BINARY and MOODRING_MOCK_OLLAMA_BINARY). Installs the locked
# npm dependencies and builds web/ when they are missing, then runs node's test runner.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

if [ $# -ge 1 ]; then export MOODRING_SERVER_BINARY="$1"; fi
if [ $# -ge 2 ]; then export MOODRING_MOCK_OLLAMA_BINARY="$2"; fi
: "${MOODRING_SERVER_BINARY:?pass the moodring binary as the first argument}"
: "${MOODRING_MOCK_OLLAMA_BINARY:?pass the mock_ollama binary as the second argument}"

npm_ci() {
    (cd "$1" && npm ci --no-audit --no-fund --loglevel=error)
}
if [ ! -d "$here/node_modules" ]; then npm_ci "$here"; fi
if [ -z "${MOODRING_WEB_ROOT:-}" ] && [ ! -f "$repo/web/dist/index.html" ]; then
    if [ ! -d "$repo/web/node_modules" ]; then npm_ci "$repo/web"; fi
    (cd "$repo/web" && npm run build --silent)
fi

cd "$here"
mkdir -p output
exec node --test --test-concurrency=1 --test-reporter=spec *.test.mjs
