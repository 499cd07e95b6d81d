#!/usr/bin/python3
"""A loopback registry front that adds the OCI 1.1 referrers API to Debian's
docker-registry 2.8 (which has none): GET /v2/<name>/referrers/<digest> is
answered from a JSON file the test rewrites at will; every other request is
passed to the real registry unchanged (so manifests and blobs are real).

The file (re-read on each referrers request):
  {"listings": {"<name>@<digest>": [descriptor, ...]},
   "page_size": N,             # descriptors per page; more pages are linked with Link: <…>; rel="next"
   "filter": "apply"|"ignore"|"lie",
                               # apply: honour ?artifactType= and send OCI-Filters-Applied: artifactType;
                               # ignore: neither; lie: send the header but do not filter
   "link": "path"|"query"|"absolute"|"foreign"|"loop",
                               # how the next page is named: an absolute path, a "?…" query, a full
                               # http:// URL of this shim, a URL on another host, or always page 1 again
   "tamper_blobs": ["<digest>", ...]}   # blob bodies served with one byte changed
A listing absent from the file is an empty index (the API exists).

Every request is logged, one line "METHOD PATH STATUS", to --log.
Usage: referrers_shim.py --port P --upstream http://127.0.0.1:R --config FILE --log FILE
Stopped by its PID (SIGTERM).
"""
import argparse
import http.client
import http.server
import json
import re
import signal
import sys
import threading
import urllib.parse

REFERRERS = re.compile(r"^/v2/(?P<name>.+)/referrers/(?P<digest>[^/?]+)$")
BLOB = re.compile(r"^/v2/(?P<name>.+)/blobs/(?P<digest>[^/?]+)$")
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
HOP_HEADERS = {"connection", "keep-alive", "transfer-encoding", "content-length", "host"}


class Shim(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    options = None
    log_lock = threading.Lock()

    def log_message(self, *args):  # the access log below replaces http.server's stderr lines
        pass

    def record(self, status):
        with self.log_lock, open(self.options.log, "a") as log:
            log.write("%s %s %d\n" % (self.command, self.path, status))

    def settings(self):
        with open(self.options.config) as config:
            return json.load(config)

    def reply(self, status, body, headers):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        self.record(status)

    def do_GET(self):
        path, _, query = self.path.partition("?")
        found = REFERRERS.match(path)
        if found:
            return self.referrers(found.group("name"), found.group("digest"), urllib.parse.parse_qs(query), path)
        return self.forward()

    do_HEAD = do_GET

    def do_PUT(self):
        return self.forward()

    do_POST = do_PATCH = do_DELETE = do_PUT

    def referrers(self, name, digest, query, path):
        settings = self.settings()
        listed = settings.get("listings", {}).get("%s@%s" % (name, digest), [])
        headers = [("Content-Type", OCI_INDEX), ("Docker-Distribution-API-Version", "registry/2.0")]
        wanted = query.get("artifactType", [None])[0]
        mode = settings.get("filter", "ignore")
        if wanted and mode in ("apply", "lie"):
            headers.append(("OCI-Filters-Applied", "artifactType"))
            if mode == "apply":
                listed = [d for d in listed if d.get("artifactType") == wanted]
        page_size = max(1, int(settings.get("page_size", 1000)))
        page = int(query.get("page", ["1"])[0])
        start = (page - 1) * page_size
        body = json.dumps({"schemaVersion": 2, "mediaType": OCI_INDEX,
                           "manifests": listed[start:start + page_size]}).encode()
        if start + page_size < len(listed) or settings.get("link") == "loop":
            headers.append(("Link", '<%s>; rel="next"' % self.next_link(settings, path, wanted, page)))
        self.reply(200, body, headers)

    def next_link(self, settings, path, wanted, page):
        next_query = {"page": str(1 if settings.get("link") == "loop" else page + 1)}
        if wanted:
            next_query["artifactType"] = wanted
        encoded = urllib.parse.urlencode(next_query)
        style = settings.get("link", "path")
        if style == "query":
            return "?" + encoded
        if style == "absolute":
            return "http://127.0.0.1:%d%s?%s" % (self.options.port, path, encoded)
        if style == "foreign":
            return "http://127.0.0.2:%d%s?%s" % (self.options.port, path, encoded)
        return "%s?%s" % (path, encoded)

    def forward(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        upstream = urllib.parse.urlsplit(self.options.upstream)
        connection = http.client.HTTPConnection(upstream.hostname, upstream.port, timeout=60)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_HEADERS}
        headers["Host"] = upstream.netloc
        connection.request(self.command, self.path, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read()
        connection.close()
        blob = BLOB.match(self.path.partition("?")[0])
        if blob and response.status == 200 and blob.group("digest") in self.settings().get("tamper_blobs", []) and data:
            data = bytes([data[0] ^ 0x01]) + data[1:]
        forwarded = [(k, v) for k, v in response.getheaders() if k.lower() not in HOP_HEADERS]
        self.reply(response.status, data, forwarded)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--upstream", required=True)
    parser.add_argument("--config", required=True)
    parser.add_argument("--log", required=True)
    options = parser.parse_args()
    Shim.options = options
    server = http.server.ThreadingHTTPServer(("127.0.0.1", options.port), Shim)
    server.daemon_threads = True
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    server.serve_forever()
    server.server_close()
    sys.exit(0)


if __name__ == "__main__":
    main()
