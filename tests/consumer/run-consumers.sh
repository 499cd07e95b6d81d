#!/usr/bin/env bash
# The consumer tests (issue 16 item 7; docs/c-api.md): consumer.c (the C ABI),
# consumer.cpp (the C++ API) and threaded_consumer.cpp (one context, one client,
# 16 threads, 1,000 verifications against a loopback token-auth registry),
# each compiled with cc / c++ and `pkg-config --cflags --libs imgtrust`.
#   run-consumers.sh [--builddir DIR]  against a staged install of DIR (default:
#                                      $IMGTRUST_BUILD_DIR or build), made with
#                                      meson install --destdir (DIR must be built)
#   run-consumers.sh --installed       against the system's installed files
#                                      (CI: after apt-get install ./dist/*.deb)
#   run-consumers.sh --tsan DIR        only the threaded consumer, built with
#                                      clang++ -fsanitize=thread against DIR's
#                                      libimgtrust.so (a -Db_sanitize=thread build)
# The threaded consumer needs python3, skopeo, docker-registry and htpasswd;
# without them it is skipped (said so), unless IMGTRUST_CONSUMER_REQUIRE_REGISTRY=1.
set -euo pipefail
HERE=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
MODE=staged BUILD_DIR=${IMGTRUST_BUILD_DIR:-build} TSAN_DIR=""
while [[ $# -gt 0 ]]; do
    case $1 in
        --installed) MODE=installed ;;
        --builddir) BUILD_DIR=$2; shift ;;
        --tsan) MODE=tsan TSAN_DIR=$2; shift ;;
        *) echo "usage: run-consumers.sh [--installed | --builddir DIR | --tsan DIR]" >&2; exit 2 ;;
    esac
    shift
done
[[ $BUILD_DIR = /* ]] || BUILD_DIR=$ROOT/$BUILD_DIR
[[ -z $TSAN_DIR || $TSAN_DIR = /* ]] || TSAN_DIR=$ROOT/$TSAN_DIR

WORK=$(mktemp -d /tmp/imgtrust-consumers.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
STATUS=0

# Staged: meson install into $WORK/stage; pkg-config and the loader look there.
stage_install() {
    local prefix libdir
    meson install -C "$BUILD_DIR" --no-rebuild --quiet --destdir "$WORK/stage" >/dev/null
    prefix=$(meson introspect "$BUILD_DIR" --buildoptions | /usr/bin/python3 -c \
        'import json, sys; o = {x["name"]: x["value"] for x in json.load(sys.stdin)}; print(o["prefix"]); print(o["libdir"])')
    libdir=$(sed -n 2p <<<"$prefix") prefix=$(sed -n 1p <<<"$prefix")
    [[ $libdir = /* ]] || libdir=$prefix/$libdir
    export PKG_CONFIG_PATH=$WORK/stage$libdir/pkgconfig
    PKG_CONFIG_DEFINE=(--define-variable=prefix="$WORK/stage$prefix")
    export LD_LIBRARY_PATH=$WORK/stage$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
    echo "(staged install of $BUILD_DIR in $WORK/stage$prefix)"
}

compile_consumers() {
    local flags
    flags=$(pkg-config "${PKG_CONFIG_DEFINE[@]}" --cflags --libs imgtrust)
    echo "(pkg-config --cflags --libs imgtrust: $flags)"
    # shellcheck disable=SC2086  # flags are words
    cc -std=c99 -Wall -Wextra -pedantic -Werror -o "$WORK/consumer" "$HERE/consumer.c" $flags
    # shellcheck disable=SC2086
    c++ -std=c++20 -Wall -Wextra -Werror -o "$WORK/consumer-cpp" "$HERE/consumer.cpp" $flags
    # shellcheck disable=SC2086
    c++ -std=c++20 -Wall -Wextra -Werror -pthread -o "$WORK/threaded-consumer" "$HERE/threaded_consumer.cpp" $flags
}

# The signed fixture, a tampered copy (one byte appended to its manifest: the
# signature now signs another digest) and a policy accepting the signed one.
prepare_images() {
    local fixture=$ROOT/tests/fixtures/images/sigstore-ecdsa-p256-app-v1 key=$ROOT/tests/fixtures/keys/ecdsa-p256.pub
    cp -r "$fixture" "$WORK/signed"
    cp -r "$fixture" "$WORK/tampered"
    printf ' ' >>"$WORK/tampered/manifest.json"
    local requirement="{\"type\": \"sigstoreSigned\", \"keyPath\": \"$key\", \"signedIdentity\": {\"type\": \"exactRepository\", \"dockerRepository\": \"registry.example.com/app\"}}"
    printf '{"default": [{"type": "reject"}], "transports": {"dir": {"": [%s]}, "docker": {"registry.example.com/app": [%s]}}}\n' \
        "$requirement" "$requirement" >"$WORK/policy.json"
}

run_step() {
    local name=$1
    shift
    echo "== $name"
    if "$@"; then echo "-- $name: pass"; else echo "!! $name: FAIL" >&2; STATUS=1; fi
}

have_registry_tools() {
    command -v skopeo >/dev/null && [[ -x /usr/bin/docker-registry ]] && command -v htpasswd >/dev/null
}

threaded() {
    local binary=$1
    if ! have_registry_tools; then
        [[ ${IMGTRUST_CONSUMER_REQUIRE_REGISTRY:-0} == 1 ]] && { echo "skopeo, docker-registry or htpasswd missing" >&2; return 1; }
        echo "(skopeo, docker-registry or htpasswd missing: threaded consumer skipped)"
        return 0
    fi
    /usr/bin/python3 "$HERE/threaded_registry.py" --consumer "$binary" \
        --threads "${IMGTRUST_CONSUMER_THREADS:-16}" --total "${IMGTRUST_CONSUMER_TOTAL:-1000}"
}

# clang++ -fsanitize=thread against the TSan build's library; every report fails the run.
tsan() {
    local lib=$TSAN_DIR
    [[ -f $lib/libimgtrust.so ]] || { echo "$lib/libimgtrust.so not built" >&2; return 1; }
    # tsan_clocklock.c: the interceptor clang 14's TSan lacks (see the file).
    clang -std=c99 -fsanitize=thread -g -O1 -c -o "$WORK/tsan_clocklock.o" "$HERE/tsan_clocklock.c"
    clang++ -std=c++20 -fsanitize=thread -g -O1 -pthread -I"$ROOT/include" -o "$WORK/threaded-consumer-tsan" \
        "$HERE/threaded_consumer.cpp" "$WORK/tsan_clocklock.o" -L"$lib" -limgtrust -Wl,-rpath,"$lib" \
        -Wl,--export-dynamic-symbol=pthread_mutex_clocklock
    export TSAN_OPTIONS="halt_on_error=1 exitcode=66 second_deadlock_stack=1 suppressions=$HERE/tsan.supp ${TSAN_OPTIONS:-}"
    run_step "threaded consumer under ThreadSanitizer" threaded "$WORK/threaded-consumer-tsan"
}

case $MODE in
    tsan) tsan || STATUS=1 ;;
    *)
        PKG_CONFIG_DEFINE=()
        [[ $MODE == staged ]] && stage_install
        compile_consumers
        prepare_images
        run_step "C consumer (imgtrust.h)" "$WORK/consumer" "$WORK/policy.json" "$WORK/signed" "$WORK/tampered" \
            registry.example.com/app:v1
        run_step "C++ consumer (verify.hpp)" "$WORK/consumer-cpp" "$WORK/policy.json" "$WORK/signed" "$WORK/tampered"
        run_step "threaded consumer (16 threads, one context, one client)" threaded "$WORK/threaded-consumer"
        ;;
esac
[[ $STATUS == 0 ]] && echo "consumers: pass" || echo "consumers: FAIL" >&2
exit $STATUS
