"""Shared pieces of the signing suite (sign_suite.py): the suite state (one
loopback docker-registry), running imgtrust sign, reading the registry, policies."""
import hashlib
import json
import os
import shutil
import subprocess
import sys
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "registry"))
import harness  # noqa: E402
import publish  # noqa: E402
import registry_common  # noqa: E402

sys.path.insert(0, os.path.join(publish.FIXTURES, "tools"))
import cosign_fixture  # noqa: E402

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
ACCEPT = ", ".join([OCI_MANIFEST, "application/vnd.oci.image.index.v1+json",
                    "application/vnd.docker.distribution.manifest.v2+json",
                    "application/vnd.docker.distribution.manifest.list.v2+json"])


class Suite:
    def __init__(self, arguments, workdir):
        self.imgtrust, self.workdir = arguments.imgtrust, workdir
        self.registry = harness.Registry(workdir, "plain")
        self.results = []
        self.registries_d = publish.write_registries_d(os.path.join(workdir, "registries.d"), {},
                                                       default_docker={"use-sigstore-attachments": True})

    def check(self, name, ok, detail=""):
        self.results.append((name, bool(ok), detail))

    def ref(self, repository, tag="v1"):
        return "%s/%s:%s" % (self.registry.host, repository, tag)

    def sign(self, *arguments, env=None, cwd=None):
        command = [self.imgtrust, "sign", "--tls-verify=false", "--retry-times", "0"] + list(arguments)
        environment = dict(os.environ if env is None else env)
        environment.setdefault("COSIGN_PASSWORD", "")
        return subprocess.run(command, capture_output=True, text=True, timeout=120, env=environment, cwd=cwd or self.workdir)

    def get(self, path, accept=ACCEPT):
        request = urllib.request.Request(self.registry.url + path, headers={"Accept": accept})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.read()
        except urllib.error.HTTPError as error:
            if error.code == 404:
                return None
            raise

    def manifest(self, repository, reference):
        return self.get("/v2/%s/manifests/%s" % (repository, reference))

    def digest_of(self, repository, tag="v1"):
        return "sha256:" + hashlib.sha256(self.manifest(repository, tag)).hexdigest()

    def sig_manifest(self, repository, digest):
        raw = self.manifest(repository, digest.replace(":", "-") + ".sig")
        return json.loads(raw) if raw else None

    def policy(self, requirement, name):
        path = os.path.join(self.workdir, name + ".json")
        with open(path, "w") as out:
            json.dump({"default": [{"type": "reject"}], "transports": {"docker": {self.registry.host: [requirement]}}}, out)
        return path

    def verify(self, policy, image):
        return registry_common.run_imgtrust(self.imgtrust, policy, "docker://" + image, self.registries_d)


def sigstore_requirement(public_key, identity=None):
    requirement = {"type": "sigstoreSigned", "keyPath": publish.fixture_key(public_key)}
    if identity:
        requirement["signedIdentity"] = identity
    return requirement
