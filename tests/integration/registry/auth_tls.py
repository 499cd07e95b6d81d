#!/usr/bin/python3
"""Auth and TLS suite: imgtrust verify docker:// against docker-registry in each mode.

Each registry holds ns/app:v1 (tests/fixtures/images/unsigned) with a cosign
signature attachment; the policy requires that signature (sigstoreSigned,
exactRepository), so an accepted verdict proves the manifest, the attachment and
its payload blob were all read through the mode's auth and TLS. Failures to
authenticate or to trust the server are fetch errors: exit 3. HOME and
XDG_RUNTIME_DIR point into a temporary directory, so no credentials or
certificates of the machine's user are used. Prints "N/M pass".

Usage: auth_tls.py --imgtrust BIN [--filter TEXT] [--verbose]
"""
import base64
import json
import os
import shutil
import subprocess

import harness
import publish
import registry_common as rc

common = rc.common
REPOSITORY = "ns/app"


def publish_signed_image(registry):
    publish.skopeo_copy("dir:" + publish.fixture_image("unsigned"),
                        "docker://%s/%s:v1" % (registry.host, REPOSITORY), registry=registry)
    digest, _ = publish.manifest_digest(registry, REPOSITORY, "v1")
    signature = publish.sigstore_push.make_signature("%s/%s:v1" % (registry.host, REPOSITORY), digest,
                                                     publish.fixture_key("ecdsa-p256.key"),
                                                     publish.fixture_key("ecdsa-p256.pub"))
    publish.push_sigstore(registry, REPOSITORY, digest, [signature])


class Setup:
    """A registry of one mode, its policy, registries.d and an isolated HOME."""

    def __init__(self, workdir, mode):
        self.registry = harness.Registry(workdir, mode)
        harness.wait_registry_ready(self.registry)
        publish_signed_image(self.registry)
        self.home = os.path.join(workdir, "home-" + mode)
        os.makedirs(self.home)
        host = self.registry.host
        self.registries_d = publish.write_registries_d(os.path.join(workdir, "registries.d-" + mode),
                                                       {host: {"use-sigstore-attachments": True}})
        requirement = common.sigstore_signed(common.exact_repository("%s/%s" % (host, REPOSITORY)),
                                             keyPath=publish.fixture_key("ecdsa-p256.pub"))
        self.policy = common.write_policy(workdir, "auth-" + mode, common.policy(requirement))
        self.image = "docker://%s/%s:v1" % (host, REPOSITORY)

    def auth_file(self, name, key, user=harness.USER, password=harness.PASSWORD):
        path = os.path.join(self.home, name)
        token = base64.b64encode(("%s:%s" % (user, password)).encode()).decode()
        with open(path, "w") as out:
            json.dump({"auths": {key: {"auth": token}}}, out)
        return path

    def environment(self, **extra):
        environment = dict(os.environ)
        environment.update({"HOME": self.home, "XDG_RUNTIME_DIR": self.home})
        environment.pop("REGISTRY_AUTH_FILE", None)
        environment.pop("XDG_CONFIG_HOME", None)  # user certs.d is $HOME/.config here
        environment.update(extra)
        return environment

    def verify(self, options, **environment):
        tls = [] if any(o.startswith(("--tls-verify", "--cert-dir")) for o in options) else ["--tls-verify=false"]
        command = [self.arguments.imgtrust, "verify", "--output", "json", "--policy", self.policy,
                   "--registries.d", self.registries_d] + tls + list(options) + [self.image]
        completed = subprocess.run(command, capture_output=True, text=True, errors="replace", timeout=60,
                                   env=self.environment(**environment))
        return common.ImgtrustResult(completed.returncode, completed.stdout, completed.stderr)


def plain_cases(s):
    return [
        ("plain/tls-verify=false", [], {}, 0),
        ("plain/https-expected-by-default", ["--tls-verify=true"], {}, 3),
    ]


def tls_cases(s):
    home_certs = os.path.join(s.home, ".config", "containers", "certs.d", s.registry.host)
    os.makedirs(home_certs)
    shutil.copy(s.registry.pki.ca_cert, os.path.join(home_certs, "ca.crt"))
    empty = os.path.join(s.home, "empty-cert-dir")
    os.makedirs(empty)
    return [
        ("tls/cert-dir", ["--cert-dir", s.registry.cert_dir], {}, 0),
        ("tls/user-certs.d", ["--tls-verify=true"], {}, 0),
        ("tls/cert-dir-without-the-ca", ["--cert-dir", empty], {}, 3),
        ("tls/tls-verify=false", ["--tls-verify=false"], {}, 0),
    ]


def credential_cases(s, mode):
    host = s.registry.host
    return [
        ("%s/creds" % mode, ["--creds", s.registry.creds], {}, 0),
        ("%s/authfile" % mode, ["--authfile", s.auth_file("auth.json", host)], {}, 0),
        ("%s/authfile-repository-entry" % mode,
         ["--authfile", s.auth_file("repo.json", host + "/" + REPOSITORY)], {}, 0),
        ("%s/authfile-other-repository-entry" % mode,
         ["--authfile", s.auth_file("other.json", host + "/ns/other")], {}, 3),
        ("%s/REGISTRY_AUTH_FILE" % mode, [], {"REGISTRY_AUTH_FILE": s.auth_file("env.json", host)}, 0),
        ("%s/no-credentials" % mode, [], {}, 3),
        ("%s/wrong-password" % mode, ["--creds", harness.USER + ":wrong"], {}, 3),
        ("%s/wrong-password-in-authfile" % mode,
         ["--authfile", s.auth_file("wrong.json", host, password="wrong")], {}, 3),
        ("%s/no-creds-ignores-authfile" % mode, ["--no-creds", "--authfile", s.auth_file("nc.json", host)], {}, 3),
    ]


def run_mode(arguments, workdir, mode):
    setup = Setup(workdir, mode)
    setup.arguments = arguments
    results = []
    try:
        if mode == "plain":
            cases = plain_cases(setup)
        elif mode == "tls":
            cases = tls_cases(setup)
        else:
            cases = credential_cases(setup, mode)
        for name, options, environment, want in cases:
            if arguments.filter not in name:
                continue
            result = setup.verify(options, **environment)
            ok = result.exit_code == want and (want == 0 or result.stderr.strip() or common.rejection_reasons(result))
            detail = "exit %d, want %d: %s" % (result.exit_code, want, result.text()[-400:])
            if arguments.verbose:
                print("%-45s %s" % (name, detail))
            results.append((name, bool(ok), detail))
    finally:
        setup.registry.stop()
    return results


def main():
    arguments = rc.parse_arguments(__doc__.splitlines()[0])
    workdir = harness.make_workdir()
    results = []
    try:
        for mode in ("plain", "tls", "htpasswd", "token"):
            results += run_mode(arguments, workdir, mode)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    raise SystemExit(harness.report("registry auth/TLS", results))


if __name__ == "__main__":
    main()
