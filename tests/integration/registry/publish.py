"""Putting images and signatures into a test registry.

- skopeo_copy: `skopeo copy` into the registry (--dest-tls-verify=false, creds),
  optionally `--sign-by` a GPG key, which writes the simple signature into the
  lookaside that a registries.d `lookaside-staging` entry names;
- GnupgHome: a throwaway copy of tests/fixtures/keys/gnupg-home (gpg writes into
  its home), whose agent is stopped at the end;
- write_registries_d: a registries.d directory from {scope: {key: value}};
- sigstore attachments: tests/fixtures/tools/push_sigstore_attachment.py.
"""
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile

import harness

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.realpath(os.path.join(HERE, "..", "..", "fixtures"))
sys.path.insert(0, os.path.join(FIXTURES, "tools"))
import push_sigstore_attachment as sigstore_push  # noqa: E402  (fixtures/tools is not a package)

SIGNER_PRIMARY_ONLY = "primary-only@imgtrust.test"  # the key skopeo 1.9.3 signs with acceptably
SIGNER_OTHER = "other@imgtrust.test"
SIGNER_TRUSTED = "trusted@imgtrust.test"            # signs with its subkey (DESIGN §3a.8)


def fixture_image(name):
    return os.path.join(FIXTURES, "images", name)


def fixture_key(name):
    return os.path.join(FIXTURES, "keys", name)


class GnupgHome:
    """A temporary GNUPGHOME holding the fixture secret keys."""

    def __init__(self):
        self.path = tempfile.mkdtemp(prefix="imgtrust-gnupg-")
        shutil.copytree(os.path.join(FIXTURES, "keys", "gnupg-home"), self.path, dirs_exist_ok=True)
        os.chmod(self.path, 0o700)

    def env(self):
        environment = dict(os.environ)
        environment["GNUPGHOME"] = self.path
        return environment

    def close(self):
        subprocess.run(["gpgconf", "--homedir", self.path, "--kill", "all"], capture_output=True, timeout=30)
        shutil.rmtree(self.path, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def write_registries_d(directory, entries, default_docker=None, file_name="test.yaml"):
    """entries: {docker scope: {"lookaside": url, ...}}; written as YAML (values are
    quoted JSON strings or booleans, which YAML reads the same)."""
    os.makedirs(directory, exist_ok=True)
    lines = []
    if default_docker is not None:
        lines.append("default-docker:")
        lines += ["  %s: %s" % (key, json.dumps(value)) for key, value in default_docker.items()]
    if entries:
        lines.append("docker:")
        for scope, settings in entries.items():
            lines.append("  %s:" % json.dumps(scope))
            lines += ["    %s: %s" % (key, json.dumps(value)) for key, value in settings.items()]
    with open(os.path.join(directory, file_name), "w") as out:
        out.write("\n".join(lines) + "\n")
    return directory


def skopeo_copy(source, destination, registry=None, sign_by=None, gnupg=None, registries_d=None,
                copy_all=False, extra=()):
    """skopeo copy SOURCE DESTINATION; registry supplies --dest-creds and TLS settings."""
    command = ["skopeo"]
    if registries_d:
        command += ["--registries.d", registries_d]
    command += ["--insecure-policy", "copy", "-q", "--dest-tls-verify=false"]
    if registry is not None and registry.creds:
        command += ["--dest-creds", registry.creds]
    if sign_by:
        command += ["--sign-by", sign_by]
    if copy_all:
        command.append("--all")
    command += list(extra) + [source, destination]
    environment = gnupg.env() if gnupg else None
    return harness.run(command, timeout=120, env=environment)


def skopeo_copy_to_dir(image, destination, registries_d=None, policy=None, src_options=()):
    """skopeo copy docker://… dir:destination (signatures and attachments included)."""
    command = ["skopeo"]
    if registries_d:
        command += ["--registries.d", registries_d]
    command += ["--policy", policy] if policy else ["--insecure-policy"]
    command += ["copy", "-q", "--src-tls-verify=false"] + list(src_options) + [image, "dir:" + destination]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def manifest_digest(registry, repository, tag_or_digest):
    """The digest of the manifest the registry serves for repository:tag."""
    raw = harness.run(["skopeo", "inspect", "--raw", "--tls-verify=false"]
                      + (["--creds", registry.creds] if registry.creds else [])
                      + ["docker://%s/%s%s" % (registry.host, repository, reference_suffix(tag_or_digest))]).stdout
    return "sha256:" + hashlib.sha256(raw.encode()).hexdigest(), raw


def reference_suffix(tag_or_digest):
    return ("@" if tag_or_digest.startswith("sha256:") else ":") + tag_or_digest


def lookaside_signatures(lookaside_dir, repository, digest):
    """The signature-N files skopeo wrote for repository@digest into a file:// lookaside."""
    directory = os.path.join(lookaside_dir, "%s@%s" % (repository, digest.replace(":", "=")))
    if not os.path.isdir(directory):
        return []
    return sorted(os.path.join(directory, name) for name in os.listdir(directory) if name.startswith("signature-"))


def push_sigstore(registry, repository, digest, signatures):
    """Pushes a sha256-<hex>.sig attachment holding signatures (a list of
    sigstore_push.Signature) for repository@digest."""
    target = sigstore_push.RegistryTarget(registry.url, repository, creds=registry.creds,
                                          cafile=registry.pki.ca_cert if registry.pki else None)
    return sigstore_push.push_attachment(target, digest, signatures)
