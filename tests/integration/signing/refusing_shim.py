#!/usr/bin/python3
"""A loopback registry front that refuses writes: GET and HEAD are passed to
the real registry unchanged, POST/PUT/PATCH/DELETE are answered with
--status (403 or 500) and a distribution-spec error body. Each request is
logged, one line "METHOD PATH STATUS", to --log.
Usage: refusing_shim.py --port P --upstream http://127.0.0.1:R --status 403 --log FILE
Stopped by its PID (SIGTERM)."""
import argparse
import http.client
import http.server
import json
import signal
import sys
import threading
import urllib.parse

HOP_HEADERS = {"connection", "keep-alive", "transfer-encoding", "content-length", "host"}


class Shim(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    lock = threading.Lock()

    def log_message(self, *args):
        pass

    def record(self, status):
        with self.lock, open(self.server.log_path, "a") as log:
            log.write("%s %s %d\n" % (self.command, self.path, status))

    def refuse(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        code = "DENIED" if self.server.status == 403 else "UNKNOWN"
        body = json.dumps({"errors": [{"code": code, "message": "writes refused by the test shim"}]}).encode()
        self.send_response(self.server.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.record(self.server.status)

    do_POST = do_PUT = do_PATCH = do_DELETE = refuse

    def forward(self):
        upstream = urllib.parse.urlsplit(self.server.upstream)
        connection = http.client.HTTPConnection(upstream.hostname, upstream.port, timeout=30)
        headers = {name: value for name, value in self.headers.items() if name.lower() not in HOP_HEADERS}
        connection.request(self.command, self.path, headers=headers)
        response = connection.getresponse()
        body = response.read()
        self.send_response(response.status)
        for name, value in response.getheaders():
            if name.lower() not in HOP_HEADERS:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)) if self.command != "HEAD" else response.getheader("Content-Length", "0"))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        connection.close()
        self.record(response.status)

    do_GET = do_HEAD = forward


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--upstream", required=True)
    parser.add_argument("--status", type=int, default=403)
    parser.add_argument("--log", required=True)
    arguments = parser.parse_args()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", arguments.port), Shim)
    server.upstream, server.status, server.log_path = arguments.upstream, arguments.status, arguments.log
    signal.signal(signal.SIGTERM, lambda *unused: sys.exit(0))
    server.serve_forever()


if __name__ == "__main__":
    main()
