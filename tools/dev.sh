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

# The suite again under sanitizers, each in its own build directory. Reports from any process
# (tests, the server and the mock they start) go to files, so a report in a child process that
# a test never asks about still fails the run.
sanitize() {
    local kind="$1" dir flags
    shift
    case "$kind" in
        address) dir=build-asan; flags=address,undefined ;;
        thread) dir=build-tsan; flags=thread ;;
        *) echo "sanitize: address or thread" >&2; exit 64 ;;
    esac
    echo "==> building into $dir (-fsanitize=$flags)"
    cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Sanitize -DMOODRING_SANITIZE="$flags" \
        -DMOODRING_WERROR=ON -DMOODRING_BUILD_BENCH=OFF >/dev/null
    cmake --build "$dir"
    local reports="$root/$dir/sanitizer-reports"
    rm -rf "$reports" && mkdir -p "$reports"
    local common="log_path=$reports/report:halt_on_error=1:print_stacktrace=1"
    # Concurrency-heavy means the server's own threads racing: more I/O threads than cores.
    local labels=(-L 'unit|integration|e2e') io_threads=2
    if [ "$kind" = thread ]; then labels=(-L integration); io_threads=4; fi
    echo "==> running the test suite under -fsanitize=$flags"
    local status=0
    ASAN_OPTIONS="$common:detect_leaks=1:detect_stack_use_after_return=0" \
    UBSAN_OPTIONS="$common" \
    TSAN_OPTIONS="$common:second_deadlock_stack=1" \
    MOODRING_SERVER_IO_THREADS="$io_threads" \
        ctest --test-dir "$dir" --output-on-failure -j "$(nproc)" "${labels[@]}" "$@" || status=$?
    if compgen -G "$reports/report*" >/dev/null; then
        echo "==> sanitizer reports:" >&2
        cat "$reports"/report* >&2
        status=1
    fi
    return "$status"
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
    sanitize)
        shift
        install_missing "${packages[@]}" "${test_packages[@]}"
        build_page
        kind="${1:-address}"
        shift || true
        sanitize "$kind" "$@"
        ;;
    *)
        echo "usage: $0 serve [moodring flags…] | test [ctest flags…] | sanitize address|thread [ctest flags…]" >&2
        exit 64
        ;;
esac
