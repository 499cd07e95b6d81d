"""Real components for the registry integration suites, all on 127.0.0.1.

Registry(workdir, mode) runs Debian's /usr/bin/docker-registry (distribution 2.8)
on a free port with its own storage directory, in one of four modes:
  "plain"     plain HTTP, anonymous
  "tls"       HTTPS with a test CA; certs_d/<host:port>/ca.crt holds the CA
  "htpasswd"  plain HTTP with Basic auth (bcrypt htpasswd file, `htpasswd -B`)
  "token"     plain HTTP with Bearer tokens from token_server.py (ES256 JWTs
              whose x5c header chains to the registry's rootcertbundle)
Its access log (gorilla combined format, on the registry's stdout) goes to a file
that request_lines() reads. Every server is a child process stopped by its PID
(stop(), a `with` block, or the atexit hook) and waited for with a deadline.
"""
import atexit
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import ssl

PYTHON = "/usr/bin/python3"
REGISTRY_BINARY = "/usr/bin/docker-registry"
HERE = os.path.dirname(os.path.abspath(__file__))
USER, PASSWORD = "tester", "s3cret-pass"
SERVICE, ISSUER = "imgtrust-test-registry", "imgtrust-test-token-issuer"
STARTUP_TIMEOUT = 20.0

_running = []


def _stop_all_at_exit():
    for server in list(_running):
        server.stop()


atexit.register(_stop_all_at_exit)


def _exit_on_sigterm(signum, frame):
    """meson stops a test that times out with SIGTERM: unwind, so that every
    finally block and the atexit hook stop the servers."""
    raise SystemExit(128 + signum)


signal.signal(signal.SIGTERM, _exit_on_sigterm)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def make_workdir(prefix="imgtrust-reg-"):
    """A temporary directory whose path has no symlink in it."""
    return os.path.realpath(tempfile.mkdtemp(prefix=prefix))


def run(command, timeout=120, **kwargs):
    """subprocess.run that raises with the command's output on failure."""
    completed = subprocess.run(command, capture_output=True, text=True, timeout=timeout, **kwargs)
    if completed.returncode != 0:
        raise RuntimeError("%s failed (exit %d): %s" % (" ".join(command), completed.returncode,
                                                        (completed.stdout + completed.stderr).strip()[-2000:]))
    return completed


class ChildServer:
    """A child process listening on 127.0.0.1:port; stopped by its PID."""

    def __init__(self, name, command, port, log_dir, stdout_path=None, env=None):
        self.name, self.port = name, port
        self.stdout_path = stdout_path or os.path.join(log_dir, name + ".stdout.log")
        self.stderr_path = os.path.join(log_dir, name + ".stderr.log")
        with open(self.stdout_path, "wb") as out, open(self.stderr_path, "wb") as err:
            self.process = subprocess.Popen(command, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                            env=env, start_new_session=True)
        self.pid = self.process.pid
        _running.append(self)

    def wait_listening(self, timeout=STARTUP_TIMEOUT):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("%s exited during startup (exit %d): %s" % (self.name, self.process.returncode,
                                                                               self.log_tail()))
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("%s did not listen on 127.0.0.1:%d within %.0f s" % (self.name, self.port, timeout))

    def log_tail(self, limit=2000):
        try:
            with open(self.stderr_path, errors="replace") as err:
                return err.read()[-limit:]
        except OSError:
            return ""

    def stop(self):
        if self in _running:
            _running.remove(self)
        if self.process.poll() is None:
            os.kill(self.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.kill(self.pid, signal.SIGKILL)
                self.process.wait(timeout=10)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


class TestPKI:
    """An openssl-made CA and a server certificate for 127.0.0.1 and localhost."""

    def __init__(self, directory):
        self.directory = directory
        os.makedirs(directory, exist_ok=True)
        self.ca_key, self.ca_cert = self._path("ca.key"), self._path("ca.crt")
        self.server_key, self.server_cert = self._path("server.key"), self._path("server.crt")
        run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
             "-keyout", self.ca_key, "-out", self.ca_cert, "-days", "2", "-subj", "/CN=imgtrust test CA",
             "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
        request = self._path("server.csr")
        run(["openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
             "-keyout", self.server_key, "-out", request, "-subj", "/CN=127.0.0.1"])
        extensions = self._path("server.ext")
        with open(extensions, "w") as ext:
            ext.write("subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n"
                      "basicConstraints=CA:FALSE\n")
        run(["openssl", "x509", "-req", "-in", request, "-CA", self.ca_cert, "-CAkey", self.ca_key,
             "-CAcreateserial", "-out", self.server_cert, "-days", "2", "-extfile", extensions])

    def _path(self, name):
        return os.path.join(self.directory, name)


def make_token_signing_certificate(directory):
    """A self-signed P-256 certificate: the registry's rootcertbundle, and the
    key the token server signs with (its DER goes into the JWT x5c header)."""
    key, cert = os.path.join(directory, "token.key"), os.path.join(directory, "token.crt")
    run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
         "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=imgtrust test token issuer"])
    return key, cert


def write_htpasswd(path, user=USER, password=PASSWORD):
    run(["htpasswd", "-B", "-b", "-c", path, user, password])


class Registry:
    """docker-registry on 127.0.0.1:<free port>; see the module comment for modes."""

    def __init__(self, workdir, mode="plain"):
        if mode not in ("plain", "tls", "htpasswd", "token"):
            raise ValueError("unknown registry mode " + mode)
        self.mode, self.port = mode, free_port()
        self.host = "127.0.0.1:%d" % self.port
        self.directory = os.path.join(workdir, "registry-%s-%d" % (mode, self.port))
        os.makedirs(os.path.join(self.directory, "storage"))
        self.access_log = os.path.join(self.directory, "access.log")
        self.token_server = None
        self.pki = TestPKI(os.path.join(self.directory, "pki")) if mode == "tls" else None
        self.certs_d = self._write_certs_d() if self.pki else None
        self.scheme = "https" if mode == "tls" else "http"
        self.url = "%s://%s" % (self.scheme, self.host)
        self.creds = "%s:%s" % (USER, PASSWORD) if mode in ("htpasswd", "token") else None
        auth_section = self._start_auth()
        self.config = self._write_config(auth_section)
        self.server = None
        self.start()

    def start(self):
        """Starts (or, after kill(), restarts) the registry on the same port and storage."""
        self.server = ChildServer("registry-" + self.mode, [REGISTRY_BINARY, "serve", self.config], self.port,
                                  self.directory, stdout_path=self.access_log)
        try:
            self.server.wait_listening()
        except Exception:
            self.stop()
            raise
        self.pid = self.server.pid

    def kill(self):
        """Stops the registry process only (the port then refuses connections); start() brings it back."""
        if self.server:
            os.kill(self.server.pid, signal.SIGKILL)
            self.server.process.wait(timeout=10)
            self.server.stop()
            self.server = None

    def _write_certs_d(self):
        """certs.d layout: <root>/<host:port>/ca.crt."""
        root = os.path.join(self.directory, "certs.d")
        os.makedirs(os.path.join(root, self.host))
        shutil.copy(self.pki.ca_cert, os.path.join(root, self.host, "ca.crt"))
        return root

    @property
    def cert_dir(self):
        """The directory --cert-dir / --src-cert-dir takes (it holds ca.crt itself)."""
        return os.path.join(self.certs_d, self.host) if self.certs_d else None

    def _start_auth(self):
        if self.mode == "htpasswd":
            htpasswd = os.path.join(self.directory, "htpasswd")
            write_htpasswd(htpasswd)
            return "auth:\n  htpasswd:\n    realm: imgtrust-test\n    path: %s\n" % htpasswd
        if self.mode == "token":
            key, cert = make_token_signing_certificate(self.directory)
            self.token_server = TokenServer(self.directory, key, cert)
            return ("auth:\n  token:\n    realm: %s\n    service: %s\n    issuer: %s\n    rootcertbundle: %s\n"
                    % (self.token_server.realm, SERVICE, ISSUER, cert))
        return ""

    def _write_config(self, auth_section):
        tls = ""
        if self.pki:
            tls = "  tls:\n    certificate: %s\n    key: %s\n" % (self.pki.server_cert, self.pki.server_key)
        config = os.path.join(self.directory, "config.yml")
        with open(config, "w") as out:
            out.write("version: 0.1\nlog:\n  level: info\n  accesslog:\n    disabled: false\n"
                      "storage:\n  filesystem:\n    rootdirectory: %s\n  delete:\n    enabled: true\n"
                      "http:\n  addr: 127.0.0.1:%d\n  secret: imgtrust-test-secret\n%s%s"
                      % (os.path.join(self.directory, "storage"), self.port, tls, auth_section))
        return config

    # --- requests seen by the registry ---

    def request_lines(self):
        """The request lines of the access log, e.g. 'GET /v2/app/manifests/v1 HTTP/1.1 200'."""
        lines = []
        try:
            with open(self.access_log, errors="replace") as log:
                for entry in log:
                    found = re.search(r'"([A-Z]+ \S+ HTTP/[0-9.]+)" (\d{3})', entry)
                    if found:
                        lines.append(found.group(1) + " " + found.group(2))
        except OSError:
            pass
        return lines

    def request_count(self):
        return len(self.request_lines())

    def requests_during(self, action):
        """Runs action() and returns the request lines the registry logged meanwhile."""
        before = self.request_count()
        result = action()
        time.sleep(0.3)  # the access log is written after the response
        return result, self.request_lines()[before:]

    def stop(self):
        if getattr(self, "server", None):
            self.server.stop()
        if self.token_server:
            self.token_server.stop()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    def ssl_context(self):
        """For Python clients of this registry (the sigstore attachment pusher)."""
        return ssl.create_default_context(cafile=self.pki.ca_cert) if self.pki else None


class TokenServer:
    """token_server.py as a child process; realm is its /token URL."""

    def __init__(self, directory, key, cert):
        self.port = free_port()
        self.realm = "http://127.0.0.1:%d/token" % self.port
        command = [PYTHON, os.path.join(HERE, "token_server.py"), "--port", str(self.port), "--key", key,
                   "--cert", cert, "--issuer", ISSUER, "--service", SERVICE, "--user", USER, "--password", PASSWORD]
        self.server = ChildServer("token-server", command, self.port, directory).wait_listening()
        self.pid = self.server.pid

    def token_requests(self):
        with open(self.server.stderr_path, errors="replace") as log:
            return [line for line in log if '"GET /token' in line]

    def stop(self):
        self.server.stop()


class StaticHttpServer:
    """python's http.server on a directory (a lookaside served over http://)."""

    def __init__(self, directory, log_dir):
        self.port = free_port()
        self.url = "http://127.0.0.1:%d" % self.port
        command = [PYTHON, "-m", "http.server", "--bind", "127.0.0.1", "--directory", directory, str(self.port)]
        self.server = ChildServer("lookaside-http", command, self.port, log_dir).wait_listening()
        self.pid = self.server.pid

    def stop(self):
        self.server.stop()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def wait_registry_ready(registry, timeout=STARTUP_TIMEOUT):
    """GET /v2/ until the registry answers (200 or 401)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(registry.url + "/v2/", timeout=2, context=registry.ssl_context())
            return
        except urllib.error.HTTPError as error:
            if error.code == 401:
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("registry %s not ready" % registry.url)


def report(suite, results):
    """results: list of (name, ok, detail). Prints failures and 'suite: N/M pass';
    returns the exit status."""
    failed = [(name, detail) for name, ok, detail in results if not ok]
    for name, detail in failed:
        print("FAIL %s: %s" % (name, detail))
    print("%s: %d/%d pass" % (suite, len(results) - len(failed), len(results)))
    sys.stdout.flush()
    return 1 if failed or not results else 0
