#!/usr/bin/python3
"""CLI checks for `imgtrust verify` that need no oracle: exit codes for bad
usage, policy file resolution ($HOME/.config/containers/policy.json before
/etc/containers/policy.json), several images in one call, --insecure-policy,
--debug, and the text and JSON reports (DESIGN.md §3, §4).

Usage: cli_checks.py --imgtrust BIN --fixtures tests/fixtures
"""
import json
import os

import suite_common as common
from suite_common import ACCEPT, APP_V1, REJECT, exact_reference, policy, signed_by


class Checks(common.CommandChecks):
    def expect(self, name, condition, detail):
        self.total += 1
        if not condition:
            self.failures.append("%s: %s" % (name, detail))

    def exit_code(self, name, arguments, want, env=None, stdout_has=None, stderr_has=None):
        code, out, err = self.run(arguments, env)
        detail = "exit %d, want %d; stdout %r; stderr %r" % (code, want, out[-300:], err[-300:])
        ok = code == want and (stdout_has is None or stdout_has in out) and (stderr_has is None or stderr_has in err)
        self.expect(name, ok, detail)
        return out, err


def usage_checks(checks, fx, accept):
    unsigned = "dir:" + fx.image("unsigned")
    checks.exit_code("no-image-argument", ["verify", "--policy", accept], 2)
    checks.exit_code("unknown-flag", ["verify", "--no-such-flag", unsigned], 2)
    checks.exit_code("bad-output-format", ["verify", "--output", "yaml", "--policy", accept, unsigned], 2)
    checks.exit_code("image-without-transport", ["verify", "--policy", accept, fx.image("unsigned")], 2)
    checks.exit_code("unknown-transport", ["verify", "--policy", accept, "nosuch:" + fx.image("unsigned")], 2)
    checks.exit_code("missing-policy-file", ["verify", "--policy", accept + ".missing", unsigned], 2,
                     stderr_has=accept + ".missing")
    checks.exit_code("help", ["verify", "--help"], 0, stdout_has="--policy")


def verify_bundle_usage_checks(checks, fixtures_root, workdir):
    """imgtrust verify-bundle: every bad invocation is exit 2 with the reason on stderr; a bundle that does not
    verify is exit 1 (the sigstore-conformance protocol)."""
    bundles = os.path.join(fixtures_root, "bundles")
    bundle = os.path.join(bundles, "keyed", "valid-blob-rekor.sigstore.json")
    blob = os.path.join(bundles, "artifacts", "blob.txt")
    key = os.path.join(fixtures_root, "keys", "ecdsa-p256.pub")
    root = os.path.join(bundles, "trust", "keyed-trusted_root.json")
    broken_root = os.path.join(workdir, "broken-root.json")
    with open(broken_root, "w") as out:
        out.write('{"mediaType": "application/vnd.dev.sigstore.trustedroot+json;version=0.1", "tlogs": [{}]}')
    vb = ["verify-bundle", "--bundle"]
    checks.exit_code("verify-bundle/ok", vb + [bundle, "--key", key, "--trusted-root", root, blob], 0, stdout_has="Verified OK")
    checks.exit_code("verify-bundle/missing-bundle", vb + [bundle + ".missing", "--key", key, blob], 2, stderr_has="does not exist")
    checks.exit_code("verify-bundle/staging", ["verify-bundle", "--staging"] + vb[1:] + [bundle, "--key", key, blob], 2,
                     stderr_has="staging")
    checks.exit_code("verify-bundle/no-trust", vb + [bundle, blob], 2)
    checks.exit_code("verify-bundle/key-and-identity", vb + [bundle, "--key", key, "--certificate-identity", "a@b",
                                                             "--certificate-oidc-issuer", "https://i", blob], 2)
    checks.exit_code("verify-bundle/invalid-trusted-root", vb + [bundle, "--key", key, "--trusted-root", broken_root, blob], 2,
                     stderr_has="broken-root.json")
    checks.exit_code("verify-bundle/other-artifact", vb + [bundle, "--key", key, "--trusted-root", root,
                                                           os.path.join(bundles, "artifacts", "other-blob.txt")], 1,
                     stderr_has="not verified")
    checks.exit_code("verify-bundle/help", ["verify-bundle", "--help"], 0, stdout_has="--trusted-root")


def report_checks(checks, fx, accept, signed_policy):
    unsigned, valid = "dir:" + fx.image("unsigned"), "dir:" + fx.image("gpg-valid-app-v1")
    digest = fx.manifest_digest(fx.image("unsigned"))
    checks.exit_code("text-report-names-digest", ["verify", "--policy", accept, unsigned], 0, stdout_has=digest)
    checks.exit_code("text-report-c-image-wording", ["verify", "--policy", signed_policy, unsigned], 1,
                     stdout_has="A signature was required, but no signature exists")
    checks.exit_code("insecure-policy-warns", ["verify", "--insecure-policy", unsigned], 0, stderr_has="insecure")
    out, err = checks.exit_code("debug-logs-to-stderr", ["verify", "--debug", "--output", "json", "--policy", accept,
                                                        unsigned], 0, stderr_has=accept)
    checks.expect("debug-keeps-stdout-json", is_json(out), "stdout is not JSON under --debug: %r" % out[:200])
    out, _ = checks.exit_code("several-images-one-rejected", ["verify", "--output", "json", "--policy", signed_policy,
                                                             valid, unsigned], 1)
    verdicts = [image.get("allowed") for image in parse(out).get("images", [])]
    checks.expect("several-images-report-each", verdicts == [True, False], "allowed values %r" % verdicts)
    out, _ = checks.exit_code("missing-image-json-error", ["verify", "--output", "json", "--policy", accept,
                                                          "dir:" + fx.image("no-such-image")], 3)
    images = parse(out).get("images", [{}])
    error = images[0].get("error", {}) if images else {}
    checks.expect("missing-image-json-error-kind", error.get("kind") in ("not-found", "fetch") and error.get("message"),
                  "error object %r" % error)
    checks.expect("missing-image-json-not-allowed", images and images[0].get("allowed") is False, "report %r" % images)


def policy_resolution_checks(checks, fx, workdir):
    """Without --policy: $HOME/.config/containers/policy.json if it exists."""
    home = os.path.join(workdir, "home")
    config = os.path.join(home, ".config", "containers")
    os.makedirs(config)
    env = dict(os.environ, HOME=home)
    env.pop("XDG_CONFIG_HOME", None)  # the user directory must be $HOME/.config here
    env.pop("CONTAINERS_POLICY_JSON", None)
    unsigned = "dir:" + fx.image("unsigned")
    for name, requirement, want in (("user-policy-reject", REJECT, 1), ("user-policy-accept", ACCEPT, 0)):
        with open(os.path.join(config, "policy.json"), "w") as f:
            json.dump(policy(requirement), f)
        out, err = checks.exit_code(name, ["verify", "--output", "json", unsigned], want, env=env)
        reported = (parse(out).get("images") or [{}])[0].get("policy")
        checks.expect(name + "-reported", reported == os.path.join(config, "policy.json"), "policy %r" % reported)
    with open(os.path.join(config, "policy.json"), "w") as f:
        f.write('{"default": []}')
    checks.exit_code("user-policy-invalid", ["verify", unsigned], 2, env=env, stderr_has="policy.json")


def untrusted_file_checks(checks, fx, workdir):
    """Issue 13: a FIFO where a file is expected and a deeply nested YAML file are
    refused at once (exit 2), never read or parsed."""
    unsigned = "dir:" + fx.image("unsigned")
    fifo = os.path.join(workdir, "key.fifo")
    os.mkfifo(fifo)
    fifo_policy = common.write_policy(workdir, "fifo-key", policy(signed_by(exact_reference(APP_V1), keyPath=fifo)))
    checks.exit_code("fifo-key-path-refused", ["verify", "--policy", fifo_policy, unsigned], 2,
                     stderr_has="not a regular file (it is a FIFO)")
    # The audit's 10^6-level flow YAML: refused by the depth scan before yaml-cpp recurses.
    registries_d = os.path.join(workdir, "deep-registries.d")
    os.makedirs(registries_d)
    with open(os.path.join(registries_d, "deep.yaml"), "w") as f:
        f.write("docker: " + "[" * 1000000 + "]" * 1000000)
    accept = common.write_policy(workdir, "accept-for-yaml", policy(ACCEPT))
    checks.exit_code("deep-registries-d-yaml-refused", ["verify", "--policy", accept, "--registries.d", registries_d,
                                                        "docker://127.0.0.1:9/app:v1"], 2,
                     stderr_has="YAML document nested more than 64 levels deep")


def is_json(text):
    try:
        json.loads(text)
        return True
    except ValueError:
        return False


def parse(text):
    try:
        document = json.loads(text)
        return document if isinstance(document, dict) else {}
    except ValueError:
        return {}


def add_checks(checks, args, fixtures, workdir):
    accept = common.write_policy(workdir, "accept", policy(ACCEPT))
    signed_policy = common.write_policy(workdir, "signed", policy(
        signed_by(exact_reference(APP_V1), keyPath=fixtures.key("gpg-primary-only.gpg"))))
    usage_checks(checks, fixtures, accept)
    verify_bundle_usage_checks(checks, os.path.abspath(args.fixtures), workdir)
    report_checks(checks, fixtures, accept, signed_policy)
    policy_resolution_checks(checks, fixtures, workdir)
    untrusted_file_checks(checks, fixtures, workdir)


def main():
    common.run_command_suite(__doc__.splitlines()[0], "cli checks", Checks, add_checks)


if __name__ == "__main__":
    main()
