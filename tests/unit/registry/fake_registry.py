#!/usr/bin/python3
"""A scriptable, misbehaving registry for the registry unit tests (loopback only).

Prints "PORT <n>" on stdout once listening. Controlled over HTTP:
  POST /_control/config  {"routes": {path: [response, ...]}, "auth": {...}}
  GET  /_control/log     [{"method","path","query","authorization","host"}, ...]
  POST /_control/reset   clears the log
A route's responses are used in order; the last one repeats. A response is
{"status", "headers", "body" | "body_b64", "delay" (seconds before answering),
 "truncate" (announce 100 more bytes than sent, then close)}.
auth: {"type": "bearer", "realm", "service", "token", "issued_token" (what /token
   hands out, default "token"), "expires_in", "issued_at", "users": {u: p}}
   or {"type": "basic", "users": {u: p}}; it guards /v2/ paths. The bearer
token endpoint is /token on this server (anonymous unless "users" is set).
Either type also takes "challenges": [WWW-Authenticate values], sent as one
header each instead of the default challenge, and bearer takes
"token_response": a response (as above) that /token gives instead of a token.
"""
import argparse
import base64
import json
import socket
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit, parse_qs

STATE_LOCK = threading.Lock()
STATE = {"routes": {}, "auth": None, "log": []}

NOT_FOUND = {"status": 404, "headers": {"Content-Type": "application/json"},
             "body": json.dumps({"errors": [{"code": "MANIFEST_UNKNOWN", "message": "manifest unknown"}]})}


def basic_user(header, users):
    if not header or not header.startswith("Basic "):
        return None
    try:
        user, _, password = base64.b64decode(header[6:]).decode().partition(":")
    except ValueError:
        return None
    return user if users.get(user) == password else None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        self.handle_any()

    def do_HEAD(self):
        self.handle_any()

    def do_POST(self):
        self.handle_any()

    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def send(self, status, headers, body, truncate=False):
        """headers: a dict, or a list of (name, value) pairs (a name may repeat)."""
        self.send_response(status)
        for name, value in (headers.items() if isinstance(headers, dict) else headers):
            self.send_header(name, value)
        announced = len(body) + (100 if truncate else 0)
        self.send_header("Content-Length", str(announced))
        if truncate:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        self.wfile.flush()
        if truncate:
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)

    def handle_any(self):
        url = urlsplit(self.path)
        body = self.read_body()
        if url.path.startswith("/_control/"):
            return self.control(url.path, body)
        with STATE_LOCK:
            STATE["log"].append({"method": self.command, "path": url.path, "query": url.query,
                                 "authorization": self.headers.get("Authorization"),
                                 "host": self.headers.get("Host")})
            auth = STATE["auth"]
        if url.path == "/token" and auth and auth.get("type") == "bearer":
            return self.token(auth, url, body)
        if auth and url.path.startswith("/v2/") and not self.authorized(auth):
            return self.challenge(auth)
        self.respond(self.next_response(url.path))

    def control(self, path, body):
        with STATE_LOCK:
            if path == "/_control/config":
                config = json.loads(body or b"{}")
                STATE["routes"] = {k: list(v) for k, v in config.get("routes", {}).items()}
                STATE["auth"] = config.get("auth")
                answer = b"{}"
            elif path == "/_control/reset":
                STATE["log"] = []
                answer = b"{}"
            else:
                answer = json.dumps(STATE["log"]).encode()
        self.send(200, {"Content-Type": "application/json"}, answer)

    def authorized(self, auth):
        header = self.headers.get("Authorization")
        if auth["type"] == "basic":
            return basic_user(header, auth.get("users", {})) is not None
        return header == "Bearer " + auth["token"]

    def challenge(self, auth):
        if auth["type"] == "basic":
            value = 'Basic realm="fake"'
        else:
            value = 'Bearer realm="%s",service="%s"' % (auth["realm"], auth.get("service", ""))
        errors = {"errors": [{"code": "UNAUTHORIZED", "message": "authentication required"}]}
        headers = [("WWW-Authenticate", each) for each in auth.get("challenges", [value])]
        self.send(401, headers + [("Content-Type", "application/json")], json.dumps(errors).encode())

    def token(self, auth, url, body):
        if "token_response" in auth:
            return self.respond(auth["token_response"])
        users = auth.get("users")
        if users is not None and basic_user(self.headers.get("Authorization"), users) is None:
            return self.send(401, {"Content-Type": "application/json"},
                             json.dumps({"errors": [{"code": "UNAUTHORIZED", "message": "bad credentials"}]}).encode())
        answer = {"token": auth.get("issued_token", auth["token"]), "expires_in": auth.get("expires_in", 300)}
        if "issued_at" in auth:
            answer["issued_at"] = auth["issued_at"]
        self.send(200, {"Content-Type": "application/json"}, json.dumps(answer).encode())

    def next_response(self, path):
        with STATE_LOCK:
            responses = STATE["routes"].get(path)
            if not responses:
                return NOT_FOUND
            return responses.pop(0) if len(responses) > 1 else responses[0]

    def respond(self, spec):
        if spec.get("delay"):
            time.sleep(spec["delay"])
        if "body_b64" in spec:
            body = base64.b64decode(spec["body_b64"])
        else:
            body = spec.get("body", "").encode()
        try:
            self.send(spec.get("status", 200), spec.get("headers", {}), body, spec.get("truncate", False))
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
            self.close_connection = True


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # refused TLS handshakes and aborted clients are expected in these tests


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    parser.add_argument("--client-ca")
    args = parser.parse_args()
    server = QuietServer(("127.0.0.1", 0), Handler)
    if args.tls_cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.tls_cert, args.tls_key)
        if args.client_ca:
            context.load_verify_locations(args.client_ca)
            context.verify_mode = ssl.CERT_REQUIRED
        server.socket = context.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
    print("PORT %d" % server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
