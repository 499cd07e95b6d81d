#!/usr/bin/python3
"""A small Docker token server (the registry's `auth.token` realm) for tests.

GET /token?service=S&scope=repository:NAME:ACTIONS[&scope=...] with HTTP Basic
credentials answers {"token", "access_token", "expires_in", "issued_at"}. The
token is an ES256 JWT whose header carries the signing certificate in x5c, which
distribution 2.8 verifies against its rootcertbundle; the claims grant every
requested action on the requested repositories. Missing or wrong credentials
get 401; a wrong service gets 400. Each request is logged on stderr.
"""
import argparse
import base64
import json
import os
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

TOKEN_LIFETIME = 300


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jwt_es256(claims, private_key, certificate_der):
    header = {"typ": "JWT", "alg": "ES256", "x5c": [base64.b64encode(certificate_der).decode()]}
    signing_input = b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims).encode())
    r, s = decode_dss_signature(private_key.sign(signing_input.encode(), ec.ECDSA(hashes.SHA256())))
    return signing_input + "." + b64url(r.to_bytes(32, "big") + s.to_bytes(32, "big"))


def requested_access(scopes):
    access = []
    for scope in scopes:
        parts = scope.split(":")
        if len(parts) >= 3 and parts[0] == "repository":
            access.append({"type": "repository", "name": ":".join(parts[1:-1]), "actions": parts[-1].split(",")})
    return access


def make_handler(settings):
    class TokenHandler(BaseHTTPRequestHandler):
        def do_GET(self):
            url = urllib.parse.urlsplit(self.path)
            query = urllib.parse.parse_qs(url.query)
            if url.path != "/token":
                return self.answer(404, {"error": "not found"})
            if not self.authorized():
                return self.answer(401, {"error": "invalid credentials"}, {"WWW-Authenticate": 'Basic realm="token"'})
            if query.get("service", [""])[0] != settings.service:
                return self.answer(400, {"error": "unknown service"})
            now = int(time.time())
            claims = {"iss": settings.issuer, "sub": settings.user, "aud": settings.service, "exp": now + TOKEN_LIFETIME,
                      "nbf": now - 10, "iat": now, "jti": base64.b16encode(os.urandom(8)).decode(),
                      "access": requested_access(query.get("scope", []))}
            token = jwt_es256(claims, settings.private_key, settings.certificate_der)
            issued = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now))
            return self.answer(200, {"token": token, "access_token": token, "expires_in": TOKEN_LIFETIME,
                                     "issued_at": issued})

        def authorized(self):
            header = self.headers.get("Authorization", "")
            if not header.startswith("Basic "):
                return False
            try:
                user, _, password = base64.b64decode(header[6:]).decode().partition(":")
            except ValueError:
                return False
            return (user, password) == (settings.user, settings.password)

        def answer(self, status, document, extra_headers=None):
            body = json.dumps(document).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            for name, value in (extra_headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

    return TokenHandler


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    for option in ("--key", "--cert", "--issuer", "--service", "--user", "--password"):
        parser.add_argument(option, required=True)
    parser.add_argument("--port", type=int, required=True)
    settings = parser.parse_args()
    with open(settings.key, "rb") as key_file:
        settings.private_key = serialization.load_pem_private_key(key_file.read(), password=None)
    with open(settings.cert, "rb") as cert_file:
        certificate = x509.load_pem_x509_certificate(cert_file.read())
    settings.certificate_der = certificate.public_bytes(serialization.Encoding.DER)
    ThreadingHTTPServer(("127.0.0.1", settings.port), make_handler(settings)).serve_forever()


if __name__ == "__main__":
    main()
