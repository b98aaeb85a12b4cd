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

# The suite again under sanitizers. Reports from any process (tests, and the server and mock
# they start) go to files, so a report in a child process that no test asks about still fails
# the run.
#   address: everything rebuilt with ASan+UBSan in build-asan, the whole suite run.
#   thread:  the server alone rebuilt with TSan in build-tsan, with four I/O threads, under the
#            integration suite of the normal build (the tests drive it as a real process).
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
    local reports="$root/$dir/sanitizer-reports"
    local common="log_path=$reports/report:halt_on_error=1:print_stacktrace=1"
    local suite=("$dir" -L 'unit|integration|e2e') env=(MOODRING_SERVER_IO_THREADS=2)
    if [ "$kind" = thread ]; then
        cmake --build "$dir" --target moodring
        build
        suite=("$build_dir" -L integration)
        env=(MOODRING_SERVER_IO_THREADS=4 TEST_SERVER_BINARY="$root/$dir/moodring")
    else
        cmake --build "$dir"
    fi
    rm -rf "$reports" && mkdir -p "$reports"
    echo "==> running the test suite under -fsanitize=$flags"
    local status=0
    env "${env[@]}" \
        ASAN_OPTIONS="$common:detect_leaks=1" UBSAN_OPTIONS="$common" \
        TSAN_OPTIONS="$common:second_deadlock_stack=1" \
        ctest --test-dir "${suite[@]}" --output-on-failure -j "$(nproc)" "$@" || status=$?
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
