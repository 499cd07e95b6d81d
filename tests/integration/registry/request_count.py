#!/usr/bin/python3
"""Request counting from docker-registry's access log.

For a sigstore-signed image (attachments enabled) and a GPG-signed one (file://
lookaside), on a plain registry and on a token-auth registry:
  cold   = requests of `imgtrust verify X`
  warm   = requests of `imgtrust verify X X` minus cold (the second check of one
           process, with the connection, challenge and token already known; it
           must not ask the token server again)
A warm check of a tag reference costs at most 4 requests (manifest, .sig manifest,
signature blob, and the referrers tag "sha256-<hex>" where Sigstore bundles would
be listed: docker-registry 2.8 has no referrers API, which the cold check learns
and the warm one does not ask again), of a digest reference at most 3. No
request ever names one of the image's layer blobs. Prints "N/M pass".

Usage: request_count.py --imgtrust BIN [--filter TEXT] [--verbose]
"""
import json
import os
import shutil

import harness
import publish
import registry_common as rc

common = rc.common
LIMITS = {"tag": 4, "digest": 3}


class Subject:
    def __init__(self, workdir, mode):
        self.registry = harness.Registry(workdir, mode)
        harness.wait_registry_ready(self.registry)
        host = self.registry.host
        self.lookaside = os.path.join(workdir, "lookaside-" + mode)
        file_url = "file://" + self.lookaside
        self.registries_d = publish.write_registries_d(
            os.path.join(workdir, "registries.d-" + mode),
            {host: {"use-sigstore-attachments": True, "lookaside": file_url, "lookaside-staging": file_url}})
        unsigned = "dir:" + publish.fixture_image("unsigned")
        publish.skopeo_copy(unsigned, "docker://%s/sig/app:v1" % host, registry=self.registry)
        with publish.GnupgHome() as gnupg:
            publish.skopeo_copy(unsigned, "docker://%s/gpg/app:v1" % host, registry=self.registry,
                                sign_by=publish.SIGNER_PRIMARY_ONLY, gnupg=gnupg, registries_d=self.registries_d)
        self.digest, raw = publish.manifest_digest(self.registry, "sig/app", "v1")
        self.layers = [layer["digest"] for layer in json.loads(raw)["layers"]]
        signature = publish.sigstore_push.make_signature(host + "/sig/app:v1", self.digest,
                                                         publish.fixture_key("ecdsa-p256.key"),
                                                         publish.fixture_key("ecdsa-p256.pub"))
        publish.push_sigstore(self.registry, "sig/app", self.digest, [signature])
        self.workdir = workdir

    def token_requests(self):
        server = self.registry.token_server
        return len(server.token_requests()) if server else 0

    def policy(self, kind, repository):
        identity = common.exact_repository("%s/%s" % (self.registry.host, repository))
        if kind == "sigstore":
            requirement = common.sigstore_signed(identity, keyPath=publish.fixture_key("ecdsa-p256.pub"))
        else:
            requirement = common.signed_by(identity, keyPath=rc.gpg_key("gpg-primary-only.gpg"))
        return common.write_policy(self.workdir, "count-" + kind, common.policy(requirement))

    def verify_requests(self, arguments, policy, images):
        """(result, registry request lines) of one imgtrust process verifying images."""
        extra = ["--creds", self.registry.creds] if self.registry.creds else []
        command_images = images[1:]
        return self.registry.requests_during(lambda: rc.run_imgtrust(
            arguments.imgtrust, policy, images[0], self.registries_d, extra + command_images))


def measure(arguments, subject, kind, repository, reference_kind):
    suffix = ":v1" if reference_kind == "tag" else "@" + subject.digest
    image = "docker://%s/%s%s" % (subject.registry.host, repository, suffix)
    policy = subject.policy(kind, repository)
    tokens_before = subject.token_requests()
    cold_result, cold = subject.verify_requests(arguments, policy, [image])
    tokens_cold = subject.token_requests() - tokens_before
    both_result, both = subject.verify_requests(arguments, policy, [image, image])
    tokens_both = subject.token_requests() - tokens_before - tokens_cold
    problems = []
    if tokens_both > tokens_cold:
        problems.append("the warm check asked the token server again (%d token requests cold, %d for two checks)"
                        % (tokens_cold, tokens_both))
    if cold_result.exit_code != 0 or both_result.exit_code != 0:
        problems.append("not accepted: exit %d / %d: %s" % (cold_result.exit_code, both_result.exit_code,
                                                              (cold_result.text() + both_result.text())[-400:]))
    warm = len(both) - len(cold)
    if warm > LIMITS[reference_kind]:
        problems.append("a warm %s check cost %d requests (at most %d): %s" % (
            reference_kind, warm, LIMITS[reference_kind], "; ".join(both)))
    referrers_api = [line for line in both if "/referrers/" in line]
    if len(referrers_api) > 1:
        problems.append("the missing referrers API was asked again in the same run: " + "; ".join(referrers_api))
    layer_requests = [line for line in cold + both if any(layer in line for layer in subject.layers)]
    if layer_requests:
        problems.append("layer blobs were requested: " + "; ".join(layer_requests))
    return problems, "cold %d, warm %d, token requests %d/%d: %s" % (len(cold), warm, tokens_cold, tokens_both,
                                                                     "; ".join(both))


def main():
    arguments = rc.parse_arguments(__doc__.splitlines()[0])
    workdir = harness.make_workdir()
    results = []
    try:
        for mode in ("plain", "token"):
            subject = Subject(workdir, mode)
            try:
                for kind, repository in (("sigstore", "sig/app"), ("gpg", "gpg/app")):
                    for reference_kind in ("tag", "digest"):
                        name = "%s/%s/%s" % (mode, kind, reference_kind)
                        if arguments.filter not in name:
                            continue
                        problems, note = measure(arguments, subject, kind, repository, reference_kind)
                        if arguments.verbose:
                            print("%-28s %s" % (name, note))
                        results.append((name, not problems, "; ".join(problems)))
            finally:
                subject.registry.stop()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    raise SystemExit(harness.report("registry request count", results))


if __name__ == "__main__":
    main()
