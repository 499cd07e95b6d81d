#!/usr/bin/python3
"""imgtrust sign round trips against one loopback docker-registry (2.8, no
referrers API) for the whole suite:
- legacy sigstore (.sig): what imgtrust signs, imgtrust verifies
  (matchRepoDigestOrExact), byte-wise as cosign's spec lays it out (layer media
  type, signature annotation, payload, config) and `openssl dgst -verify`;
  a second key appends (the first signature kept), the same key again adds
  nothing; after a `skopeo copy` mirror, validate --exact-repository accepts it;
- batch mode (hangar flags): a list with a multi-arch image, the index and
  each selected platform signed, validate accepts the list;
- bundles (--bundle): verified by imgtrust under matchDigestOnly, and the
  referrers tag index lists them;
- GPG (--sign-by): the lookaside-staging signature is accepted by skopeo 1.9.3
  (`skopeo copy` under signedBy);
- a cosign-format encrypted key written here (python3-cryptography scrypt,
  python3-nacl secretbox): right password signs, wrong password exits 2 with
  nothing sent to the registry;
- a registry front refusing writes (refusing_shim.py, 403 and 500): single
  image exit 3, batch exit 1 with the image in the failed list, and no .sig tag;
- usage errors exit 2 before any request; a missing image exit 3; SIGINT
  during a list exit 130 with the unsigned lines in the failed list;
- oci: layouts: the .sig entry in index.json, appended and deduplicated, verified
  by imgtrust verify oci:PATH:REF under exactReference;
- Bearer token auth and HTTPS with a certs.d CA (a second registry in token
  mode, a third in TLS mode, each for that case alone): the push scope is
  asked for with the auth file's credentials; certificates are verified.
About 20-40 s (three registries start).
"""
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sign_common import Suite, harness, publish, registry_common  # noqa: E402
from sign_failures import interrupted_batch, password_and_refusal, token_auth_push, usage_errors  # noqa: E402
from sign_round_trips import (batch_round_trip, bundle_batch_mount, bundle_round_trip,  # noqa: E402
                              gpg_round_trip, legacy_round_trip, oci_layout_round_trip, tls_push_round_trip)


def main():
    arguments = registry_common.parse_arguments(__doc__.split("\n")[0])
    workdir = harness.make_workdir("imgtrust-sign-")
    suite = Suite(arguments, workdir)
    try:
        unsigned = "dir:" + publish.fixture_image("unsigned")
        for repository in ("app", "batch/app", "bundled", "bundled/one", "bundled/two", "gpg-app", "secret", "refused"):
            publish.skopeo_copy(unsigned, "docker://" + suite.ref(repository))
        publish.skopeo_copy("dir:" + publish.fixture_image("multiarch-unsigned"), "docker://" + suite.ref("batch/multi"),
                            copy_all=True)
        for case in (legacy_round_trip, batch_round_trip, bundle_round_trip, bundle_batch_mount, gpg_round_trip,
                     password_and_refusal, usage_errors, token_auth_push,
                     oci_layout_round_trip, tls_push_round_trip,
                     interrupted_batch):
            if arguments.filter and arguments.filter not in case.__name__:
                continue
            try:
                case(suite)
            except Exception as error:  # one broken case must not hide the others
                suite.check(case.__name__, False, "%s: %s" % (type(error).__name__, error))
    finally:
        suite.registry.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    return harness.report("integration-signing", suite.results)


if __name__ == "__main__":
    sys.exit(main())
