#!/usr/bin/python3
"""Embedders' modes (docs/embedding-modes.md): verify --manifest/--signature/--identity
and serve --stdio.

Pre-downloaded content: the manifest and signature files of the dir: fixtures
(skopeo --sign-by, cosign_fixture.py) and a cosign v3 bundle
(python3-cryptography), checked under docker://registry.example.com/app:v1:
exit codes 0/1/2, the same verdict as `imgtrust verify dir:…` on the same files
(a policy whose docker scope and dir scope hold the same requirement), and no
network: the identity names a registry on a 127.0.0.1 port where this suite
listens (and registries.d puts a lookaside there), and no connection arrives.

serve --stdio: one process answers several requests, malformed ones included,
in order, each id echoed; verify-preloaded gives the same image object as
verify --manifest --output json; EOF and shutdown end with exit 0, SIGTERM
with 143.

Usage: preloaded_and_serve.py --imgtrust BIN --fixtures tests/fixtures
"""
import json
import os
import select
import shutil
import socket
import subprocess

import serve_checks
import suite_common as common
from suite_common import APP_V1, REJECT, exact_reference, policy, signed_by, sigstore_signed

IDENTITY = "docker://" + APP_V1


def read(path):
    with open(path, "rb") as f:
        return f.read()


class Suite:
    def __init__(self, args, fx, scratch):
        self.binary, self.fx, self.scratch = args.imgtrust, fx, scratch
        self.trap = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.trap.bind(("127.0.0.1", 0))
        self.trap.listen(8)
        self.trap_host = "127.0.0.1:%d" % self.trap.getsockname()[1]
        self.registries_d = os.path.join(scratch, "registries.d")
        os.makedirs(self.registries_d)
        with open(os.path.join(self.registries_d, "trap.yaml"), "w") as f:
            f.write("default-docker:\n  lookaside: http://%s/sigstore\n  use-sigstore-attachments: true\n" % self.trap_host)
        gpg = signed_by(keyPath=fx.key("gpg-primary-only.gpg"))
        gpg_dir = signed_by(exact_reference(APP_V1), keyPath=fx.key("gpg-primary-only.gpg"))
        cosign = sigstore_signed(keyPath=fx.key("ecdsa-p256.pub"))
        cosign_dir = sigstore_signed(exact_reference(APP_V1), keyPath=fx.key("ecdsa-p256.pub"))
        bundle = sigstore_signed({"type": "matchDigestOnly"}, keyPath=fx.key("ecdsa-p256.pub"),
                                 trustedRootPath=os.path.join(fx.root, "bundles/trust/keyed-trusted_root.json"))
        dir_scopes = {}
        for name in ("gpg-valid-app-v1", "gpg-tampered-manifest", "gpg-other-key-app-v1", "unsigned"):
            dir_scopes[fx.image(name)] = [gpg_dir]
        for name in ("sigstore-ecdsa-p256-app-v1", "sigstore-tampered-manifest"):
            dir_scopes[fx.image(name)] = [cosign_dir]
        self.policies = {
            "gpg": common.write_policy(scratch, "gpg", policy(REJECT, transports={
                "docker": {"registry.example.com/app": [gpg], self.trap_host: [gpg]}, "dir": dir_scopes,
                "oci": {fx.image("oci-unsigned"): [{"type": "insecureAcceptAnything"}]}})),
            "sigstore": common.write_policy(scratch, "sigstore", policy(REJECT, transports={
                "docker": {"registry.example.com/app": [cosign]}, "dir": dir_scopes})),
            "bundle": common.write_policy(scratch, "bundle", policy(REJECT, transports={
                "docker": {"registry.example.com/app": [bundle]}})),
        }
        self.checks = []

    def image_file(self, image, name):
        return os.path.join(self.fx.image(image), name)

    def no_connection_arrived(self):
        readable, _, _ = select.select([self.trap], [], [], 0)
        return not readable

    def verify(self, policy_name, arguments):
        command = [self.binary, "verify", "--policy", self.policies[policy_name],
                   "--registries.d", self.registries_d] + arguments
        completed = subprocess.run(command, capture_output=True, text=True, timeout=60)
        return common.ImgtrustResult(completed.returncode, completed.stdout, completed.stderr)

    def preloaded_arguments(self, image, identity=IDENTITY, signatures=("signature-1",)):
        arguments = ["--manifest", self.image_file(image, "manifest.json"), "--identity", identity]
        for name in signatures:
            arguments += ["--signature", self.image_file(image, name) if "/" not in name else name]
        return arguments

    def add(self, name, check):
        self.checks.append((name, check))


def signature_summary(image):
    """What must agree between the pre-downloaded and the dir: evaluation of one image."""
    summary = {"allowed": image.get("allowed"), "manifestDigest": image.get("manifestDigest"), "requirements": []}
    for requirement in image.get("requirements", []):
        summary["requirements"].append({
            "type": requirement["type"], "result": requirement["result"], "rejectionKind": requirement["rejectionKind"],
            "signatures": [{k: s.get(k) for k in ("format", "accepted", "rejectionKind", "keyFingerprint", "signedIdentity")}
                           for s in requirement["signatures"]]})
    return summary


def add_cli_checks(suite):
    fx = suite.fx
    cases = [
        ("gpg accepted", "gpg", "gpg-valid-app-v1", IDENTITY, ("signature-1",), 0),
        ("gpg tampered manifest rejected", "gpg", "gpg-tampered-manifest", IDENTITY, ("signature-1",), 1),
        ("gpg other key rejected", "gpg", "gpg-other-key-app-v1", IDENTITY, ("signature-1",), 1),
        ("gpg no signature rejected", "gpg", "unsigned", IDENTITY, (), 1),
        ("gpg wrong identity rejected", "gpg", "gpg-valid-app-v1", "docker://registry.example.com/app:v2", ("signature-1",), 1),
        ("sigstore accepted", "sigstore", "sigstore-ecdsa-p256-app-v1", IDENTITY, ("signature-1",), 0),
        ("sigstore tampered manifest rejected", "sigstore", "sigstore-tampered-manifest", IDENTITY, ("signature-1",), 1),
        ("bundle accepted", "bundle", "unsigned", IDENTITY,
         (os.path.join(fx.root, "bundles/keyed/valid-image-rekor.sigstore.json"),), 0),
        ("bundle for another digest rejected", "bundle", "unsigned", IDENTITY,
         (os.path.join(fx.root, "bundles/keyed/reject-image-subject-other-digest.sigstore.json"),), 1),
    ]
    for name, policy_name, image, identity, signatures, want in cases:
        def check(policy_name=policy_name, image=image, identity=identity, signatures=signatures, want=want):
            result = suite.verify(policy_name, suite.preloaded_arguments(image, identity, signatures) + ["-o", "json"])
            problems = [] if result.exit_code == want else ["exit %d, want %d: %s" % (result.exit_code, want, result.text())]
            problems += common.json_report_problems(result, fx.manifest_digest(fx.image(image)))
            if want == 1 and "Rejected: " + identity not in result.stderr:
                problems.append("no Rejected line naming the identity: %r" % result.stderr)
            return problems, "exit %d" % result.exit_code
        suite.add("preloaded " + name, check)
    # The same verdict as verify dir: on the same files (the dir scope holds the same requirement).
    for image, policy_name in (("gpg-valid-app-v1", "gpg"), ("gpg-tampered-manifest", "gpg"), ("gpg-other-key-app-v1", "gpg"),
                               ("sigstore-ecdsa-p256-app-v1", "sigstore"), ("sigstore-tampered-manifest", "sigstore")):
        def same(image=image, policy_name=policy_name):
            preloaded = suite.verify(policy_name, suite.preloaded_arguments(image) + ["-o", "json"])
            directory = suite.verify(policy_name, ["-o", "json", "dir:" + fx.image(image)])
            try:
                a = signature_summary(json.loads(preloaded.stdout)["images"][0])
                b = signature_summary(json.loads(directory.stdout)["images"][0])
            except (ValueError, KeyError, IndexError) as error:
                return ["no JSON report (%s): %s | %s" % (error, preloaded.text(), directory.text())], ""
            problems = [] if a == b else ["preloaded %s != dir %s" % (a, b)]
            if preloaded.exit_code != directory.exit_code:
                problems.append("exit %d != dir: exit %d" % (preloaded.exit_code, directory.exit_code))
            return problems, "exit %d" % preloaded.exit_code
        suite.add("preloaded equals dir: " + image, same)
    # No network: a registry scope on the trap port, lookaside and attachments there too.
    def no_network():
        result = suite.verify("gpg", suite.preloaded_arguments("gpg-valid-app-v1", "docker://%s/app:v1" % suite.trap_host))
        problems = [] if result.exit_code == 1 else ["exit %d, want 1 (identity mismatch): %s" % (result.exit_code, result.text())]
        if not suite.no_connection_arrived():
            problems.append("a connection reached the trap registry %s" % suite.trap_host)
        return problems, "exit %d" % result.exit_code
    suite.add("preloaded touches no network", no_network)
    add_cli_usage_checks(suite)


def add_cli_usage_checks(suite):
    garbage = os.path.join(suite.scratch, "garbage.sig")
    with open(garbage, "wb") as f:
        f.write(b"this is not a signature\n")
    manifest = suite.image_file("gpg-valid-app-v1", "manifest.json")
    usage = [
        ("--manifest without --identity", ["--manifest", manifest], "--identity"),
        ("--identity without --manifest", ["--identity", IDENTITY], "need --manifest"),
        ("--identity without docker://", ["--manifest", manifest, "--identity", APP_V1], "docker://"),
        ("--manifest and IMAGE", ["--manifest", manifest, "--identity", IDENTITY, "dir:/x"], "one or the other"),
        ("missing manifest file", ["--manifest", "/nonexistent/m.json", "--identity", IDENTITY], "no such file"),
        ("unrecognised signature file", ["--manifest", manifest, "--identity", IDENTITY, "--signature", garbage],
         "first byte 0x74"),
        ("--all with --manifest", ["--manifest", manifest, "--identity", IDENTITY, "--all"], "--all"),
        ("nothing to verify", [], "IMAGE"),
    ]
    for name, arguments, message in usage:
        def check(arguments=arguments, message=message):
            result = suite.verify("gpg", arguments)
            problems = [] if result.exit_code == 2 else ["exit %d, want 2" % result.exit_code]
            if message not in result.stderr:
                problems.append("stderr does not say %r: %r" % (message, result.stderr))
            return problems, "exit %d" % result.exit_code
        suite.add("preloaded usage: " + name, check)


def main():
    args = common.parse_arguments(__doc__.splitlines()[0])
    args.imgtrust = os.path.abspath(args.imgtrust)
    fx = common.Fixtures(args.fixtures)
    scratch = common.make_workdir()
    try:
        suite = Suite(args, fx, scratch)
        add_cli_checks(suite)
        serve_checks.add_serve_checks(suite)
        checks = [(name, check) for name, check in suite.checks if args.filter in name]
        common.run_checks("preloaded-and-serve", checks, args.verbose, "pass")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
