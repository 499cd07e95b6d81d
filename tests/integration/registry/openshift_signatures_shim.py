#!/usr/bin/python3
"""A loopback registry speaking the OpenShift signature API extension, on 127.0.0.1.

Every response carries X-Registry-Supports-Signatures: 1 (as OpenShift's
registry sets it through distribution's http.headers), except under the
repository namespace "no-header". GET /v2/ answers 200 (c/image reads the
header from that ping; imgtrust from the manifest response). Manifests and
blobs are those of the dir: fixture tests/fixtures/images/unsigned, for any
repository; GET /extensions/v2/<name>/signatures/<digest> answers according to
the first component of <name>:
  accepted      [the signature of gpg-valid-app-v1]
  other-key     [the signature of gpg-other-key-app-v1]
  tampered      [the signature of gpg-tampered-signature]
  mixed         non-atomic entries (schemaVersion 1, type "x509"), the other-key one, then the valid one
  empty         {"signatures": []}
  skipped-only  only non-atomic entries
  oversize      a 5 MiB body (the bound is 4 MiB)
  too-many      129 atomic entries (the bound is 128)
  bad-json      a body that is not JSON
  bad-base64    an entry whose content is not base64
  status-404    404 with a registry error body
  no-header     never asked: no response announces the extension
Signature files are dir: signature-1 files made by tests/fixtures/regenerate-images.sh
(skopeo --sign-by, gpg). Every request is logged, "METHOD PATH STATUS", to --log.
Usage: openshift_signatures_shim.py --port P --log FILE; stopped by its PID (SIGTERM).
"""
import argparse
import base64
import hashlib
import json
import os
import re
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HERE = os.path.dirname(os.path.abspath(__file__))
IMAGES = os.path.realpath(os.path.join(HERE, "..", "..", "fixtures", "images"))
UNSIGNED = os.path.join(IMAGES, "unsigned")
with open(os.path.join(UNSIGNED, "manifest.json"), "rb") as manifest_file:
    MANIFEST = manifest_file.read()
MANIFEST_DIGEST = "sha256:" + hashlib.sha256(MANIFEST).hexdigest()
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
MANIFEST_PATH = re.compile(r"^/v2/(?P<name>.+)/manifests/(?P<ref>[^/]+)$")
BLOB_PATH = re.compile(r"^/v2/(?P<name>.+)/blobs/sha256:(?P<hex>[0-9a-f]{64})$")
SIGNATURES_PATH = re.compile(r"^/extensions/v2/(?P<name>.+)/signatures/(?P<digest>[^/]+)$")


def signature_file(image):
    with open(os.path.join(IMAGES, image, "signature-1"), "rb") as f:
        return f.read()


def atomic(content, name="1"):
    return {"schemaVersion": 2, "name": MANIFEST_DIGEST + "@" + name, "type": "atomic",
            "content": base64.b64encode(content).decode()}


def signature_list(kind):
    """(status, body) of the extension answer for the repository namespace `kind`."""
    valid, other = signature_file("gpg-valid-app-v1"), signature_file("gpg-other-key-app-v1")
    ignored = [dict(atomic(valid), schemaVersion=1), dict(atomic(valid), type="x509")]
    lists = {
        "accepted": [atomic(valid)],
        "other-key": [atomic(other)],
        "tampered": [atomic(signature_file("gpg-tampered-signature"))],
        "mixed": ignored + [atomic(other, "a"), atomic(valid, "b")],
        "empty": [],
        "skipped-only": ignored,
        "too-many": [atomic(other, str(i)) for i in range(129)],
    }
    if kind in lists:
        return 200, json.dumps({"signatures": lists[kind]}).encode()
    if kind == "oversize":
        return 200, json.dumps({"signatures": [atomic(b"x" * (4 * 1024 * 1024))]}).encode()
    if kind == "bad-json":
        return 200, b'{"signatures": [ {"schemaVersion": 2, '
    if kind == "bad-base64":
        return 200, json.dumps({"signatures": [dict(atomic(valid), content="!!not base64!!")]}).encode()
    return 404, json.dumps({"errors": [{"code": "NAME_UNKNOWN", "message": "no signatures here"}]}).encode()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    log_path = None
    log_lock = threading.Lock()

    def log_message(self, *args):
        pass

    def reply(self, status, body, content_type="application/json", announce=True):
        self.send_response(status)
        if announce:
            self.send_header("X-Registry-Supports-Signatures", "1")
        self.send_header("Docker-Distribution-Api-Version", "registry/2.0")
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        with self.log_lock, open(self.log_path, "a") as log:
            log.write("%s %s %d\n" % (self.command, self.path, status))

    def do_GET(self):
        path = self.path.split("?", 1)[0]
        name_match = MANIFEST_PATH.match(path) or BLOB_PATH.match(path) or SIGNATURES_PATH.match(path)
        announce = not (name_match and name_match.group("name").startswith("no-header/"))
        if path == "/v2/":
            return self.reply(200, b"{}")
        match = MANIFEST_PATH.match(path)
        if match:
            if match.group("ref") in ("v1", MANIFEST_DIGEST):
                return self.reply(200, MANIFEST, OCI_MANIFEST, announce)
            return self.reply(404, b'{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}',
                              announce=announce)
        match = BLOB_PATH.match(path)
        if match and os.path.isfile(os.path.join(UNSIGNED, match.group("hex"))):
            with open(os.path.join(UNSIGNED, match.group("hex")), "rb") as blob:
                return self.reply(200, blob.read(), "application/octet-stream", announce)
        match = SIGNATURES_PATH.match(path)
        if match and announce:
            status, body = signature_list(match.group("name").split("/", 1)[0])
            return self.reply(status, body)
        return self.reply(404, b'{"errors":[{"code":"NOT_FOUND","message":"not found"}]}', announce=announce)

    do_HEAD = do_GET


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--log", required=True)
    options = parser.parse_args()
    Handler.log_path = options.log
    server = ThreadingHTTPServer(("127.0.0.1", options.port), Handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    server.serve_forever()


if __name__ == "__main__":
    main()
