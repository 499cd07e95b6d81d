#!/usr/bin/python3
"""A misbehaving registry for the fault tests, on 127.0.0.1 only.

The first path component after /v2/ names the fault; any repository under it
behaves the same (/v2/<fault>/app/manifests/<ref>). A healthy manifest is the
fixture image tests/fixtures/images/unsigned; every other answer is broken:
  ok             serves the manifest (and answers 404 for a .sig attachment)
  truncated      Content-Length promises more than is sent, then the connection closes
  oversize       an 8 MiB manifest (the client bound is 4 MiB)
  oversize-chunked  the same without Content-Length (chunked encoding)
  429-then-ok    429 with Retry-After: 1 once per path, then as `ok`
  500-storm      always 500
  redirect-loop  the manifest answers 302 to itself
  blob-redirect-loop  ok manifest; its sha256-<hex>.sig attachment's payload blob redirects to itself
  digest-mismatch    the manifest bytes differ from the digest asked for / announced
  blob-digest-mismatch  ok manifest; the attachment's payload blob has other bytes than its digest
  slow           sleeps 30 s before answering
Hostile answers (issue 13), each of which must end in a clear error:
  deep-manifest  a manifest of 10^6 nested arrays (2 MB, under the 4 MiB bound)
  deep-error-404 / deep-error-400  that body with status 404 / 400
  deep-token     401 Bearer; the token endpoint answers 10^6 nested arrays (2 MB, over its 1 MiB bound)
  deep-token-200k  the same with 2*10^5 levels (400 KB, under the bound)
  huge-expires   401 Bearer; the token says expires_in 9300000000; then as `ok`
  retry-after-3000  always 429 with Retry-After in the year 3000
  basic-then-bearer  401 with two WWW-Authenticate headers, Basic then Bearer; then as `ok`
  list-100k      an OCI index with 10^5 instances
  basic-auth     401 Basic until Basic credentials come; then as `ok`
  dead-auth      401 Bearer; the token endpoint never answers (sleeps 60 s)
  dead-auth-503  401 Bearer; the token endpoint answers 503 after 1 s
The token endpoint of fault F is /token/F; a token it issues is "good-token".
GET /_stats answers {"token_requests": {F: n}}.
Every request is logged on stderr.
"""
import argparse
import hashlib
import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE = os.path.join(HERE, "..", "..", "fixtures", "images", "unsigned", "manifest.json")
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
with open(FIXTURE, "rb") as manifest_file:
    MANIFEST = manifest_file.read()
MANIFEST_DIGEST = "sha256:" + hashlib.sha256(MANIFEST).hexdigest()
PAYLOAD = json.dumps({"critical": {"identity": {"docker-reference": "127.0.0.1/fault/app:v1"},
                                   "image": {"docker-manifest-digest": MANIFEST_DIGEST},
                                   "type": "cosign container image signature"}, "optional": None},
                     separators=(",", ":")).encode()
PAYLOAD_DIGEST = "sha256:" + hashlib.sha256(PAYLOAD).hexdigest()
ATTACHMENT = json.dumps({"schemaVersion": 2, "mediaType": OCI_MANIFEST,
                         "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "size": 2,
                                    "digest": "sha256:" + hashlib.sha256(b"{}").hexdigest()},
                         "layers": [{"mediaType": "application/vnd.dev.cosign.simplesigning.v1+json",
                                     "size": len(PAYLOAD), "digest": PAYLOAD_DIGEST,
                                     "annotations": {"dev.cosignproject.cosign/signature": "MEUCIQ=="}}]},
                        separators=(",", ":")).encode()
ATTACHMENT_TAG = MANIFEST_DIGEST.replace(":", "-") + ".sig"

_seen_lock = threading.Lock()
_seen = set()
_token_requests = {}
DEEP = b"[" * 1000000 + b"]" * 1000000
DEEP_200K = b"[" * 200000 + b"]" * 200000
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
LIST_100K = (b'{"schemaVersion":2,"mediaType":"' + OCI_INDEX.encode() + b'","manifests":[' +
             b",".join([b'{"size":1}'] * 100000) + b"]}")
ISSUED_TOKEN = "good-token"


def first_time(path):
    with _seen_lock:
        if path in _seen:
            return False
        _seen.add(path)
        return True


class FaultHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        parts = self.path.split("?")[0].split("/")
        if self.path in ("/v2/", "/v2"):
            return self.send_bytes(200, b"{}", "application/json")
        if self.path == "/_stats":
            with _seen_lock:
                return self.send_bytes(200, json.dumps({"token_requests": _token_requests}).encode(), "application/json")
        if len(parts) == 3 and parts[1] == "token":
            return self.token_endpoint(parts[2])
        if len(parts) < 6 or parts[1] != "v2":
            return self.send_bytes(404, b'{"errors":[{"code":"NAME_UNKNOWN"}]}', "application/json")
        fault, kind, reference = parts[2], parts[-2], parts[-1]
        handler = getattr(self, "fault_" + fault.replace("-", "_"), None)
        if handler is None:
            return self.send_bytes(404, b'{"errors":[{"code":"NAME_UNKNOWN"}]}', "application/json")
        return handler(kind, reference)

    # --- healthy answers ---
    def healthy(self, kind, reference, blob_override=None):
        if kind == "manifests" and reference == ATTACHMENT_TAG:
            return self.send_bytes(200, ATTACHMENT, OCI_MANIFEST)
        if kind == "manifests" and reference.endswith(".sig"):
            return self.send_bytes(404, b'{"errors":[{"code":"MANIFEST_UNKNOWN"}]}', "application/json")
        if kind == "manifests":
            return self.send_bytes(200, MANIFEST, OCI_MANIFEST, {"Docker-Content-Digest": MANIFEST_DIGEST})
        if kind == "blobs" and reference == PAYLOAD_DIGEST:
            return self.send_bytes(200, blob_override or PAYLOAD, "application/octet-stream")
        return self.send_bytes(404, b'{"errors":[{"code":"BLOB_UNKNOWN"}]}', "application/json")

    def fault_ok(self, kind, reference):
        self.healthy(kind, reference)

    def fault_truncated(self, kind, reference):
        self.send_response(200)
        self.send_header("Content-Type", OCI_MANIFEST)
        self.send_header("Content-Length", str(len(MANIFEST) + 1000))
        self.end_headers()
        self.wfile.write(MANIFEST[:100])
        self.wfile.flush()
        self.close_connection = True

    def fault_oversize(self, kind, reference, chunked=False):
        size = 8 * 1024 * 1024
        self.send_response(200)
        self.send_header("Content-Type", OCI_MANIFEST)
        self.send_header("Transfer-Encoding" if chunked else "Content-Length", "chunked" if chunked else str(size))
        self.end_headers()
        chunk = b" " * 65536
        try:
            for _ in range(size // len(chunk)):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk) if chunked else chunk)
            if chunked:
                self.wfile.write(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass
        self.close_connection = True

    def fault_oversize_chunked(self, kind, reference):
        self.fault_oversize(kind, reference, chunked=True)

    def fault_429_then_ok(self, kind, reference):
        if first_time(self.path):
            return self.send_bytes(429, b'{"errors":[{"code":"TOOMANYREQUESTS"}]}', "application/json",
                                   {"Retry-After": "1"})
        self.healthy(kind, reference)

    def fault_500_storm(self, kind, reference):
        self.send_bytes(500, b"internal error", "text/plain")

    def fault_redirect_loop(self, kind, reference):
        self.send_bytes(302, b"", "text/plain", {"Location": self.path})

    def fault_blob_redirect_loop(self, kind, reference):
        if kind == "blobs":
            return self.send_bytes(302, b"", "text/plain", {"Location": self.path})
        self.healthy(kind, reference)

    def fault_digest_mismatch(self, kind, reference):
        altered = MANIFEST.replace(b'"schemaVersion":2', b'"schemaVersion": 2')
        self.send_bytes(200, altered, OCI_MANIFEST, {"Docker-Content-Digest": MANIFEST_DIGEST})

    def fault_blob_digest_mismatch(self, kind, reference):
        self.healthy(kind, reference, blob_override=PAYLOAD.replace(b"cosign", b"COSIGN"))

    def fault_slow(self, kind, reference):
        time.sleep(30)
        self.healthy(kind, reference)

    # --- hostile answers ---
    def fault_deep_manifest(self, kind, reference):
        self.send_bytes(200, DEEP, OCI_MANIFEST)

    def fault_deep_error_404(self, kind, reference):
        self.send_bytes(404, DEEP, "application/json")

    def fault_deep_error_400(self, kind, reference):
        self.send_bytes(400, DEEP, "application/json")

    def fault_retry_after_3000(self, kind, reference):
        self.send_bytes(429, b'{"errors":[{"code":"TOOMANYREQUESTS"}]}', "application/json",
                        {"Retry-After": "Wed, 01 Jan 3000 00:00:00 GMT"})

    def fault_list_100k(self, kind, reference):
        self.send_bytes(200, LIST_100K, OCI_INDEX)

    def bearer_guarded(self, kind, reference, challenges=None):
        """401 with the given (or a Bearer) challenge until the issued token comes, then healthy."""
        if self.headers.get("Authorization") == "Bearer " + ISSUED_TOKEN:
            return self.healthy(kind, reference)
        fault = self.path.split("/")[2]
        bearer = 'Bearer realm="http://%s/token/%s",service="fault"' % (self.headers.get("Host"), fault)
        self.send_bytes(401, b'{"errors":[{"code":"UNAUTHORIZED"}]}', "application/json",
                        [("WWW-Authenticate", value) for value in (challenges or [bearer])])

    fault_deep_token = fault_deep_token_200k = fault_huge_expires = bearer_guarded
    fault_dead_auth = fault_dead_auth_503 = bearer_guarded

    def fault_basic_then_bearer(self, kind, reference):
        bearer = 'Bearer realm="http://%s/token/basic-then-bearer",service="fault"' % self.headers.get("Host")
        self.bearer_guarded(kind, reference, ['Basic realm="fault"', bearer])

    def fault_basic_auth(self, kind, reference):
        if (self.headers.get("Authorization") or "").startswith("Basic "):
            return self.healthy(kind, reference)
        self.send_bytes(401, b'{"errors":[{"code":"UNAUTHORIZED"}]}', "application/json",
                        {"WWW-Authenticate": 'Basic realm="fault"'})

    def token_endpoint(self, fault):
        with _seen_lock:
            _token_requests[fault] = _token_requests.get(fault, 0) + 1
        good = json.dumps({"token": ISSUED_TOKEN, "expires_in": 300}).encode()
        if fault == "deep-token":
            return self.send_bytes(200, DEEP, "application/json")
        if fault == "deep-token-200k":
            return self.send_bytes(200, DEEP_200K, "application/json")
        if fault == "huge-expires":
            good = json.dumps({"token": ISSUED_TOKEN, "expires_in": 9300000000}).encode()
        if fault == "dead-auth":
            time.sleep(60)
        if fault == "dead-auth-503":
            time.sleep(1)
            return self.send_bytes(503, b"token service unavailable", "text/plain")
        self.send_bytes(200, good, "application/json")

    def send_bytes(self, status, body, content_type, headers=None):
        """headers: a dict, or a list of (name, value) pairs (a name may repeat)."""
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        headers = headers or {}
        for name, value in (headers.items() if isinstance(headers, dict) else headers):
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True)
    arguments = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", arguments.port), FaultHandler)
    server.daemon_threads = True
    server.serve_forever()


if __name__ == "__main__":
    main()
