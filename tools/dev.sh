#!/usr/bin/env bash
# The README's two commands: `serve` builds and starts moodring on its defaults, `test` builds
# and runs the whole test suite. Each installs what a fresh Debian 12 machine is missing.
# `fuzz` builds the libFuzzer targets of tests/fuzz with clang and runs each one briefly
# (FUZZ_SECONDS, default 20; FUZZ_JOBS targets at a time, default one per core; FUZZ_TARGETS,
# default all).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
build_dir="${MOODRING_BUILD_DIR:-build}"

packages=(
    build-essential cmake ninja-build ccache pkg-config git clang-format
    libboost1.81-dev libboost-url1.81-dev libboost-program-options1.81-dev
    nlohmann-json3-dev libsqlitecpp-dev libspdlog-dev libgtest-dev sqlite3
    libsodium-dev libssl-dev openssl libpq-dev libhiredis-dev
)
# nginx: tests/integration/deploy runs deploy/nginx/moodring.conf in it (on a machine that runs
# systemd, installing it also starts Debian's default site on port 80; the tests start their own).
# haproxy: tests/integration/cluster runs deploy/haproxy/moodring.cfg in front of three instances.
# systemd: systemd-analyze for the unit test; dpkg-dev: dpkg-shlibdeps for the package test
# (cpack -G DEB); adduser: the package's postinst. postgresql, redis-server: the Postgres and
# cluster tests start their own, in temporary folders on loopback ports.
test_packages=(chromium nginx haproxy systemd dpkg-dev adduser postgresql redis-server)
# Clang builds the sanitizer and fuzz builds; llvm-14 brings llvm-symbolizer, for readable
# stack traces in their reports.
fuzz_packages=(clang-14 libclang-rt-14-dev llvm-14)
fuzz_targets=(ndjson sse theme multipart client_frame http credentials import envelope sign_out_notice)

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

install_missing() {
    local missing=()
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
    done
    # Node.js and npm build the page; any installed version will do. Fuzzing needs neither.
    if [ "${skip_node:-0}" != 1 ] && ! command -v node >/dev/null || ! command -v npm >/dev/null; then missing+=(nodejs npm); fi
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
#   address: the server, the mock and both suites rebuilt with ASan+UBSan in build-asan, run.
#   thread:  the server alone rebuilt with TSan in build-tsan, with four I/O threads, under the
#            integration suite of the normal build (the tests drive it as a real process).
# Both sanitizer builds use clang, which compiles this code about twice as fast as GCC does at
# -O0 (on two cores, about ten minutes of CI for the address build, two and a half for the
# thread build's server); GCC builds everything else, with -Werror, so both compilers keep the
# code warning-free.
sanitize() {
    local kind="$1" dir flags
    shift
    local compiler=c++
    case "$kind" in
        address) dir=build-asan; flags=address,undefined; compiler=clang++-14 ;;
        thread) dir=build-tsan; flags=thread; compiler=clang++-14 ;;
        *) echo "sanitize: address or thread" >&2; exit 64 ;;
    esac
    # A build directory made by another compiler keeps it: start that one afresh.
    if [ -f "$dir/CMakeCache.txt" ] &&
        ! grep -q "^CMAKE_CXX_COMPILER:[A-Z]*=.*/$compiler\$" "$dir/CMakeCache.txt"; then
        rm -rf "$dir"
    fi
    echo "==> building into $dir (-fsanitize=$flags)"
    CXX="$compiler" cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Sanitize \
        -DMOODRING_SANITIZE="$flags" -DMOODRING_WERROR=ON -DMOODRING_BUILD_BENCH=OFF >/dev/null
    local reports="$root/$dir/sanitizer-reports"
    local common="log_path=$reports/report:halt_on_error=1:print_stacktrace=1"
    local suite=("$dir" -L 'unit|integration') env=(MOODRING_SERVER_IO_THREADS=2)
    if [ "$kind" = thread ]; then
        cmake --build "$dir" --target moodring
        build
        suite=("$build_dir" -L integration)
        env=(MOODRING_SERVER_IO_THREADS=4 TEST_SERVER_BINARY="$root/$dir/moodring")
    else
        # Not the soak binary: the soak run is not part of the sanitizer suite.
        cmake --build "$dir" --target moodring mock_ollama moodring_unit_tests \
            moodring_integration_tests
    fi
    rm -rf "$reports" && mkdir -p "$reports"
    echo "==> running the test suite under -fsanitize=$flags"
    local status=0
    if [ -x /usr/bin/llvm-symbolizer-14 ]; then
        env+=(ASAN_SYMBOLIZER_PATH=/usr/bin/llvm-symbolizer-14 TSAN_SYMBOLIZER_PATH=/usr/bin/llvm-symbolizer-14)
    fi
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

# One target over its seed corpus (read only) and a working corpus that keeps what it finds;
# the exit status is libFuzzer's: non-zero on a crash, a leak, a timeout or running out of memory.
run_fuzz_target() {
    local name="$1" dir="$2" seconds="$3"
    mkdir -p "$dir/fuzz-corpus/$name"
    set +e
    "$dir/tests/fuzz/fuzz_$name" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -dict="tests/fuzz/$name.dict" \
        -artifact_prefix="$dir/fuzz-artifacts/$name-" \
        "$dir/fuzz-corpus/$name" "tests/fuzz/corpus/$name" >"$dir/fuzz-logs/$name.log" 2>&1
    echo $? >"$dir/fuzz-logs/$name.rc"
}

fuzz() {
    local dir="${MOODRING_FUZZ_BUILD_DIR:-build-fuzz}" seconds="${FUZZ_SECONDS:-20}"
    local jobs="${FUZZ_JOBS:-$(nproc)}"
    local targets
    read -r -a targets <<<"${FUZZ_TARGETS:-${fuzz_targets[*]}}"
    echo "==> building the fuzz targets into $dir"
    CXX=clang++-14 cmake -S . -B "$dir" -G Ninja -DMOODRING_FUZZ=ON \
        -DMOODRING_BUILD_TESTS=OFF -DMOODRING_BUILD_BENCH=OFF >/dev/null
    cmake --build "$dir"
    echo "==> fuzzing each target for ${seconds}s, $jobs at a time"
    rm -rf "$dir/fuzz-logs" && mkdir -p "$dir/fuzz-logs" "$dir/fuzz-artifacts"
    export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
    if [ -x /usr/bin/llvm-symbolizer-14 ]; then
        export ASAN_SYMBOLIZER_PATH=/usr/bin/llvm-symbolizer-14
    fi
    for name in "${targets[@]}"; do
        while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do sleep 0.2; done
        run_fuzz_target "$name" "$dir" "$seconds" &
    done
    wait
    local failed=0
    for name in "${targets[@]}"; do
        local log="$dir/fuzz-logs/$name.log"
        local runs done_line
        runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
        done_line="$(grep -o 'cov: [0-9]* ft: [0-9]* corp: [0-9]*' "$log" | tail -1 || true)"
        if [ "$(cat "$dir/fuzz-logs/$name.rc")" = 0 ]; then
            echo "    fuzz_$name: ${runs:-?} runs, ${done_line:-no coverage line}, no findings"
        else
            failed=1
            echo "    fuzz_$name: FAILED (log $log, inputs in $dir/fuzz-artifacts/)"
            tail -n 40 "$log" | sed 's/^/        /'
        fi
    done
    return "$failed"
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
        install_missing "${packages[@]}" "${test_packages[@]}" "${fuzz_packages[@]}"
        build_page
        kind="${1:-address}"
        shift || true
        sanitize "$kind" "$@"
        ;;
    fuzz)
        skip_node=1 install_missing "${packages[@]}" "${fuzz_packages[@]}"
        fuzz
        ;;
    *)
        echo "usage: $0 serve [moodring flags…] | test [ctest flags…] | sanitize address|thread [ctest flags…] | fuzz" >&2
        exit 64
        ;;
esac
