#!/usr/bin/env bash
# The installed packages (./dev deb, then apt-get install ./dist/*.deb), checked
# from the outside: the files each package must hold, the CLI resolving the
# installed libimgtrust.so.0, the demo's local verification (./dev demo) run
# with /usr/bin/imgtrust, a freshly tampered copy, both OpenPGP engines, and
# then the consumer programs (tests/consumer/run-consumers.sh) when present.
# Run from anywhere; nothing from the build tree is used except fixtures.
# Exit 0 when every check passes, 1 otherwise; each failure says why.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/../.."

IMGTRUST=/usr/bin/imgtrust
ARCH_TRIPLET=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch)
LIBDIR=/usr/lib/$ARCH_TRIPLET
VERSION=$(dpkg-parsechangelog -l debian/changelog -S Version)
FAILURES=0
SCRATCH=$(mktemp -d /tmp/imgtrust-installed-smoke.XXXXXX)
trap 'rm -rf "$SCRATCH"' EXIT

fail() { echo "FAIL: $*" >&2; FAILURES=$((FAILURES + 1)); }
pass() { echo "ok: $*"; }

# expect_exit WANT DESCRIPTION COMMAND...: the command's exit status must be WANT.
expect_exit() {
    local want=$1 what=$2 got=0
    shift 2
    "$@" >"$SCRATCH/out" 2>"$SCRATCH/err" || got=$?
    if [[ $got == "$want" ]]; then
        pass "$what (exit $got)"
    else
        fail "$what: exit $got, expected $want"
        cat "$SCRATCH/out" "$SCRATCH/err" >&2
    fi
}

check_packages() {
    local package path
    for package in imgtrust libimgtrust0 libimgtrust-dev; do
        [[ $(dpkg-query -W -f '${Status} ${Version}' "$package" 2>/dev/null) == "install ok installed $VERSION" ]] ||
            fail "$package $VERSION is not installed"
    done
    for path in imgtrust:$IMGTRUST imgtrust:/usr/share/man/man1/imgtrust.1.gz \
                libimgtrust0:$LIBDIR/libimgtrust.so.0 libimgtrust-dev:$LIBDIR/libimgtrust.so \
                libimgtrust-dev:$LIBDIR/pkgconfig/imgtrust.pc libimgtrust-dev:/usr/include/imgtrust/verify.hpp; do
        package=${path%%:*} path=${path#*:}
        # dpkg-query -S prints "libimgtrust0:amd64: PATH" for a Multi-Arch: same package.
        if [[ -e $path && $(dpkg-query -S "$path" 2>/dev/null | cut -d: -f1) == "$package" ]]; then
            pass "$path belongs to $package"
        else
            fail "$path is missing or not owned by $package"
        fi
    done
}

check_linkage() {
    local resolved soname
    resolved=$(ldd "$IMGTRUST" | awk '$1 == "libimgtrust.so.0" { print $3 }')
    # /lib is /usr/lib on a merged-/usr system: compare the resolved files.
    [[ -n $resolved && $(readlink -f "$resolved") == "$(readlink -f "$LIBDIR/libimgtrust.so.0")" ]] && pass "$IMGTRUST loads $resolved" ||
        fail "$IMGTRUST loads libimgtrust.so.0 from '${resolved:-nowhere}', expected $LIBDIR"
    soname=$(objdump -p "$LIBDIR/libimgtrust.so.0" | awk '$1 == "SONAME" { print $2 }')
    [[ $soname == libimgtrust.so.0 ]] && pass "SONAME $soname" || fail "SONAME is '$soname'"
    [[ $(pkg-config --modversion imgtrust) == "${VERSION%%-*}" ]] && pass "pkg-config imgtrust $(pkg-config --modversion imgtrust)" ||
        fail "pkg-config --modversion imgtrust: '$(pkg-config --modversion imgtrust 2>&1)'"
    [[ $("$IMGTRUST" --version) == *"${VERSION%%-*}"* ]] && pass "$("$IMGTRUST" --version)" ||
        fail "imgtrust --version says '$("$IMGTRUST" --version 2>&1)', expected ${VERSION%%-*}"
}

# ./dev demo's local part (demo_local), with the installed binary; policy keyPaths are relative to the repository.
check_demo_local() {
    local policy=policy/demo/accept-signed.json signed=tests/fixtures/images/sigstore-ecdsa-p256-app-v1
    expect_exit 0 "demo: signed dir: image accepted" "$IMGTRUST" verify --policy $policy "dir:$signed"
    expect_exit 1 "demo: tampered dir: image rejected" "$IMGTRUST" verify --policy $policy \
        dir:tests/fixtures/images/sigstore-tampered-manifest
    # A tampered copy made here: one byte appended to the manifest after signing
    # (still valid JSON, but no longer the digest the signature names).
    cp -r "$signed" "$SCRATCH/tampered"
    printf ' ' >>"$SCRATCH/tampered/manifest.json"
    expect_exit 1 "fresh tampered copy rejected" "$IMGTRUST" verify --policy $policy "dir:$SCRATCH/tampered"
}

# signedBy (GPG) under both OpenPGP engines: gpgme runs the gpg that libgpgme11 depends on.
check_openpgp_engines() {
    local engine
    printf '{"default": [{"type": "reject"}], "transports": {"dir": {"": [{"type": "signedBy", "keyType": "GPGKeys",
        "keyPath": "%s", "signedIdentity": {"type": "exactRepository", "dockerRepository": "registry.example.com/app"}}]}}}\n' \
        "$PWD/tests/fixtures/keys/gpg-primary-only.gpg" >"$SCRATCH/gpg-policy.json"
    for engine in rnp gpgme; do
        expect_exit 0 "signedBy, $engine: signed image accepted" \
            "$IMGTRUST" verify --policy "$SCRATCH/gpg-policy.json" --openpgp-engine $engine \
            dir:tests/fixtures/images/gpg-valid-app-v1
        expect_exit 1 "signedBy, $engine: tampered signature rejected" \
            "$IMGTRUST" verify --policy "$SCRATCH/gpg-policy.json" --openpgp-engine $engine \
            dir:tests/fixtures/images/gpg-tampered-signature
    done
}

check_consumers() {
    if [[ -f tests/consumer/run-consumers.sh ]]; then
        echo "== tests/consumer/run-consumers.sh --installed"
        bash tests/consumer/run-consumers.sh --installed || fail "the consumer tests failed"
    else
        echo "(tests/consumer/run-consumers.sh not present: consumer tests skipped)"
    fi
}

check_packages
[[ -x $IMGTRUST ]] || { fail "$IMGTRUST is not installed: install ./dist/*.deb first (./dev deb)"; exit 1; }
check_linkage
check_demo_local
check_openpgp_engines
check_consumers
if [[ $FAILURES -ne 0 ]]; then
    echo "$FAILURES installed-package check(s) failed" >&2
    exit 1
fi
echo "every installed-package check passed"
