#!/usr/bin/env bash
# The README's two commands: `serve` builds and starts moodring on its defaults, `test` builds
# and runs the whole test suite. Each installs what a fresh Debian 12 machine is missing.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
build_dir="${MOODRING_BUILD_DIR:-build}"

packages=(
    build-essential cmake ninja-build ccache pkg-config git clang-format
    libboost1.81-dev libboost-url1.81-dev libboost-program-options1.81-dev
    nlohmann-json3-dev libsqlitecpp-dev libspdlog-dev libgtest-dev sqlite3
)
test_packages=(chromium)

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

install_missing() {
    local missing=()
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
    done
    # Node.js and npm build the page; any installed version will do.
    if ! command -v node >/dev/null || ! command -v npm >/dev/null; then missing+=(nodejs npm); fi
    if [ ${#missing[@]} -gt 0 ]; then
        echo "==> installing ${missing[*]}"
        as_root apt-get update -qq
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
    fi
}

build() {
    echo "==> building into $build_dir"
    cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMOODRING_WERROR=ON >/dev/null
    cmake --build "$build_dir"
}

build_page() {
    if [ -f web/package.json ]; then
        echo "==> building the page"
        (cd web && { [ -d node_modules ] || npm ci --no-audit --no-fund; } && npm run --silent build)
    fi
}

case "${1:-}" in
    serve)
        shift
        install_missing "${packages[@]}"
        build
        build_page
        exec "$build_dir/moodring" "$@"
        ;;
    test)
        shift
        install_missing "${packages[@]}" "${test_packages[@]}"
        build
        build_page
        echo "==> running the test suite"
        ctest --test-dir "$build_dir" --output-on-failure -j "$(nproc)" "$@"
        ;;
    *)
        echo "usage: $0 serve [moodring flags…] | test [ctest flags…]" >&2
        exit 64
        ;;
esac
