#!/usr/bin/python3
"""Hostile local inputs (issue 13): documents built to crash a recursive JSON
parser or to hit undefined behaviour in number parsing, fed to `imgtrust verify`
through dir: signatures, Rekor SETs, sigstore payloads and auth.json, and the
same signatures served as sigstore attachments by a real docker-registry on
127.0.0.1 (stopped by its PID). Each must
end in a clear error or a normal verdict with the reason on stderr; never a
signal, never a hang.

The inputs are made at run time (they are megabytes of brackets); signed
payloads are signed here by the independent fixture writer
(tests/fixtures/tools/cosign_fixture.py, python3-cryptography).

Usage: hostile_inputs.py --imgtrust BIN --fixtures tests/fixtures
"""
import base64
import http.server
import json
import os
import shutil
import sys
import threading

import suite_common as common
from suite_common import APP_V1, exact_reference, policy, sigstore_signed

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "fixtures", "tools"))
sys.path.insert(0, os.path.join(HERE, "registry"))
import cosign_fixture  # noqa: E402
import harness  # noqa: E402
import publish  # noqa: E402

BUNDLE = "dev.sigstore.cosign/bundle"
TOO_DEEP = "nested more than 512 levels deep"


def nested_arrays(depth):
    return "[" * depth + "]" * depth


class Workspace:
    def __init__(self, args):
        self.binary = args.imgtrust
        self.fixtures = os.path.realpath(args.fixtures)
        self.dir = common.make_workdir()
        self.keyless = os.path.join(self.fixtures, "keyless")
        self.fulcio_policy = common.write_policy(self.dir, "fulcio", policy(sigstore_signed(
            exact_reference(APP_V1),
            fulcio={"caPath": os.path.join(self.keyless, "fulcio-root.pem"),
                    "oidcIssuer": "https://oidc.example.com", "subjectEmail": "signer@example.com"},
            rekorPublicKeyPath=os.path.join(self.keyless, "rekor.pub"))))
        self.key_policy = common.write_policy(self.dir, "key", policy(sigstore_signed(
            exact_reference(APP_V1), keyPath=os.path.join(self.fixtures, "keys", "ecdsa-p256.pub"))))

    def image_with_set(self, name, set_text):
        """fulcio-valid with its Rekor SET annotation replaced by set_text."""
        image = os.path.join(self.dir, name)
        shutil.copytree(os.path.join(self.keyless, "images", "fulcio-valid"), image)
        path = os.path.join(image, "signature-1")
        with open(path, "rb") as f:
            prefix, body = f.read().split(b"\n", 1)
        signature = json.loads(body)
        signature["annotations"][BUNDLE] = set_text
        with open(path, "wb") as f:
            f.write(prefix + b"\n" + json.dumps(signature).encode())
        return "dir:" + image

    def image_with_signed_payload(self, name, payload_bytes):
        """The unsigned fixture image with one signature over payload_bytes by keys/ecdsa-p256.key."""
        image = os.path.join(self.dir, name)
        shutil.copytree(os.path.join(self.fixtures, "images", "unsigned"), image)
        raw = cosign_fixture.sign(payload_bytes, os.path.join(self.fixtures, "keys", "ecdsa-p256.key"))
        with open(os.path.join(image, "signature-1"), "wb") as f:
            f.write(cosign_fixture.dir_signature_blob(payload_bytes, raw))
        return "dir:" + image

    def manifest_digest(self, name):
        return cosign_fixture.manifest_digest_of(os.path.join(self.fixtures, "images", name, "manifest.json"))

    def verify(self, policy_path, image, extra=()):
        return common.run_imgtrust(self.binary, policy_path, image, ["--output", "json"] + list(extra))


def expect(result, exit_code, reason):
    """The exit code, the reason in the report or on stderr, and a closing stderr line."""
    problems = []
    if result.exit_code != exit_code:
        problems.append("exit %d, want %d (%s)" % (result.exit_code, exit_code, result.text()[:300]))
    text = common.rejection_reasons(result) + " " + result.stderr
    if reason and reason not in text:
        problems.append("reason %r not in %r" % (reason, text[:300]))
    if exit_code != 0 and not result.stderr.strip():
        problems.append("non-zero exit with nothing on stderr")
    return problems, "exit %d" % result.exit_code


def set_cases(w):
    deep_set = '{"SignedEntryTimestamp":"","Payload":%s}'
    return [
        ("set-payload-1e6-levels", lambda: expect(w.verify(w.fulcio_policy, w.image_with_set(
            "set-deep", deep_set % nested_arrays(1000000))), 1, TOO_DEEP)),
        ("set-payload-114062-levels", lambda: expect(w.verify(w.fulcio_policy, w.image_with_set(
            "set-114062", deep_set % nested_arrays(114062))), 1, TOO_DEEP)),
        ("set-payload-0e86", lambda: expect(w.verify(w.fulcio_policy, w.image_with_set(
            "set-0e86", deep_set % "0e86")), 1, "Rekor SET")),
        ("set-0E43-then-garbage", lambda: expect(w.verify(w.fulcio_policy, w.image_with_set(
            "set-0E43", '{"": 0E43\'0000')), 1, "parsing the Rekor SET")),
    ]


def payload_cases(w):
    digest = w.manifest_digest("unsigned")
    # A payload that is valid in every field, with numbers RapidJSON's full-precision path mishandles.
    with_zero_number = cosign_fixture.make_payload(APP_V1, digest).replace(
        b'"optional":null', b'"optional":{"n":0e86,"m":[0E43,-0e-089]}')
    return [
        ("payload-1e6-levels", lambda: expect(w.verify(w.key_policy, w.image_with_signed_payload(
            "payload-deep", nested_arrays(1000000).encode())), 1, TOO_DEEP)),
        ("payload-is-0e86", lambda: expect(w.verify(w.key_policy, w.image_with_signed_payload(
            "payload-0e86", b"0e86")), 1, "JSON object expected, got 0")),
        ("payload-with-0e86-accepted", lambda: expect(w.verify(w.key_policy, w.image_with_signed_payload(
            "payload-0e86-field", with_zero_number)), 0, None)),
    ]


def signature_file_cases(w):
    image = os.path.join(w.dir, "annotations-deep")
    shutil.copytree(os.path.join(w.fixtures, "images", "unsigned"), image)
    with open(os.path.join(image, "signature-1"), "wb") as f:
        f.write(b"\x00sigstore-json\n" + ('{"annotations":%s}' % nested_arrays(1000000)).encode())
    return [("signature-file-1e6-levels", lambda: expect(w.verify(w.key_policy, "dir:" + image), 3, "not valid JSON"))]


class ChallengeHandler(http.server.BaseHTTPRequestHandler):
    """Answers every request with 401 and a Basic challenge, so that imgtrust reads the auth file."""

    def do_GET(self):
        self.send_response(401)
        self.send_header("WWW-Authenticate", 'Basic realm="hostile-inputs"')
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def auth_file_cases(w, port):
    auth = os.path.join(w.dir, "auth-deep.json")
    with open(auth, "w") as f:
        f.write(nested_arrays(1000000))
    result = lambda: w.verify(None, "docker://127.0.0.1:%d/app:v1" % port,
                              ["--insecure-policy", "--authfile", auth, "--retry-times", "0", "--tls-verify=false"])
    return [("auth-json-1e6-levels", lambda: expect(result(), 2, TOO_DEEP))]


class RegistryAttachments:
    """The same hostile signatures served by a real docker-registry as sigstore
    attachments (sha256-<hex>.sig), read with use-sigstore-attachments."""

    def __init__(self, w):
        self.w = w
        self.registry = harness.Registry(w.dir, "plain")
        harness.wait_registry_ready(self.registry)
        self.registries_d = publish.write_registries_d(os.path.join(w.dir, "registries.d"),
                                                       {self.registry.host: {"use-sigstore-attachments": True}})
        self.unsigned = "dir:" + os.path.join(w.fixtures, "images", "unsigned")

    def image(self, name, signature):
        """Pushes the unsigned image as <name>:v1 with one attachment; returns its docker:// reference."""
        reference = "%s/hostile/%s:v1" % (self.registry.host, name)
        publish.skopeo_copy(self.unsigned, "docker://" + reference, registry=self.registry)
        digest, _ = publish.manifest_digest(self.registry, "hostile/" + name, "v1")
        publish.push_sigstore(self.registry, "hostile/" + name, digest, [signature(reference, digest)])
        return "docker://" + reference

    def signed(self, payload_of):
        def make(reference, digest):
            payload = payload_of(reference, digest)
            raw = cosign_fixture.sign(payload, os.path.join(self.w.fixtures, "keys", "ecdsa-p256.key"))
            return publish.sigstore_push.Signature(payload, base64.b64encode(raw).decode())
        return make

    def with_set(self, set_text):
        """fulcio-valid's signature layer (payload, certificate, chain) with set_text as its Rekor SET."""
        with open(os.path.join(self.w.keyless, "images", "fulcio-valid", "signature-1"), "rb") as f:
            blob = json.loads(f.read().split(b"\n", 1)[1])
        annotations = dict(blob["annotations"])
        annotations[BUNDLE] = set_text
        signature_value = annotations.pop(cosign_fixture.SIGNATURE_ANNOTATION)
        return lambda reference, digest: publish.sigstore_push.Signature(
            base64.b64decode(blob["payload"]), signature_value, annotations)

    def verify(self, policy_path, image):
        return self.w.verify(policy_path, image, ["--registries.d", self.registries_d, "--tls-verify=false",
                                                  "--retry-times", "0"])


def registry_cases(w):
    r = RegistryAttachments(w)
    key_policy = common.write_policy(w.dir, "key-any", policy(sigstore_signed(
        {"type": "matchRepository"}, keyPath=os.path.join(w.fixtures, "keys", "ecdsa-p256.pub"))))
    deep = nested_arrays(1000000).encode()
    zeros = lambda ref, digest: cosign_fixture.make_payload(ref, digest).replace(
        b'"optional":null', b'"optional":{"n":0e86,"m":[0E43,-0e-089]}')
    deep_set = '{"SignedEntryTimestamp":"","Payload":%s}'
    return r, [
        ("registry-set-payload-1e6-levels", lambda: expect(r.verify(w.fulcio_policy, r.image(
            "set-deep", r.with_set(deep_set % nested_arrays(1000000)))), 1, TOO_DEEP)),
        ("registry-set-payload-0e86", lambda: expect(r.verify(w.fulcio_policy, r.image(
            "set-0e86", r.with_set(deep_set % "0e86"))), 1, "Rekor SET")),
        ("registry-payload-1e6-levels", lambda: expect(r.verify(key_policy, r.image(
            "payload-deep", r.signed(lambda ref, digest: deep))), 1, TOO_DEEP)),
        ("registry-payload-with-0e86-accepted", lambda: expect(r.verify(key_policy, r.image(
            "payload-0e86", r.signed(zeros))), 0, None)),
    ]


def main():
    args = common.parse_arguments(__doc__)
    w = Workspace(args)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), ChallengeHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        attachments, served = registry_cases(w)
        checks = set_cases(w) + payload_cases(w) + signature_file_cases(w) + auth_file_cases(w, server.server_address[1])
        common.run_checks("hostile-inputs", [c for c in checks + served if args.filter in c[0]], args.verbose, "pass")
    finally:
        if "attachments" in locals():
            attachments.registry.stop()
        server.shutdown()
        shutil.rmtree(w.dir, ignore_errors=True)


if __name__ == "__main__":
    main()
