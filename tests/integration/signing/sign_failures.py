"""The signing suite's failure cases: cosign-format encrypted keys (written
here independently of imgtrust) and wrong passwords, registries refusing
writes, usage errors, Bearer token auth. See sign_suite.py."""
import base64
import json
import os
import signal
import socket
import subprocess
import time

from sign_common import HERE, harness, publish, registry_common, sigstore_requirement

PASSWORD = "correct horse"


def secretbox(key, nonce, message):
    """NaCl secretbox (XSalsa20-Poly1305, tag first): python3-nacl when installed,
    else libsodium's crypto_secretbox_easy through ctypes (the same construction)."""
    try:
        import nacl.secret
        return nacl.secret.SecretBox(key).encrypt(message, nonce).ciphertext
    except ImportError:
        import ctypes
        sodium = ctypes.CDLL("libsodium.so.23")
        if sodium.sodium_init() < 0:
            raise RuntimeError("sodium_init failed")
        out = ctypes.create_string_buffer(len(message) + 16)
        if sodium.crypto_secretbox_easy(out, message, ctypes.c_ulonglong(len(message)), nonce, key) != 0:
            raise RuntimeError("crypto_secretbox_easy failed")
        return out.raw


def write_encrypted_cosign_key(path, private_key_path, password):
    """cosign's ENCRYPTED SIGSTORE PRIVATE KEY, written independently of imgtrust:
    scrypt (python3-cryptography) and NaCl secretbox (python3-nacl) around PKCS#8 DER."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
    with open(private_key_path, "rb") as key_file:
        key = serialization.load_pem_private_key(key_file.read(), password=None)
    der = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    salt, nonce = os.urandom(32), os.urandom(24)
    box_key = Scrypt(salt=salt, length=32, n=32768, r=8, p=1).derive(password.encode())
    ciphertext = secretbox(box_key, nonce, der)
    envelope = {"kdf": {"name": "scrypt", "params": {"N": 32768, "r": 8, "p": 1},
                        "salt": base64.b64encode(salt).decode()},
                "cipher": {"name": "nacl/secretbox", "nonce": base64.b64encode(nonce).decode()},
                "ciphertext": base64.b64encode(ciphertext).decode()}
    body = base64.b64encode(json.dumps(envelope).encode()).decode()
    lines = [body[i:i + 64] for i in range(0, len(body), 64)]
    with open(path, "w") as out:
        out.write("-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n" + "\n".join(lines) +
                  "\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n")


def password_and_refusal(suite):
    encrypted = os.path.join(suite.workdir, "cosign.key")
    write_encrypted_cosign_key(encrypted, publish.fixture_key("ecdsa-p256.key"), PASSWORD)
    image = suite.ref("secret")
    before = suite.registry.request_count()
    wrong = suite.sign("--key", encrypted, "docker://" + image, env=dict(os.environ, COSIGN_PASSWORD="wrong"))
    time.sleep(0.3)
    suite.check("password: wrong password exit 2", wrong.returncode == 2 and "password" in wrong.stderr, wrong.stderr)
    suite.check("password: nothing sent to the registry", suite.registry.request_count() == before)
    right = suite.sign("--key", encrypted, "docker://" + image, env=dict(os.environ, COSIGN_PASSWORD=PASSWORD))
    result = suite.verify(suite.policy(sigstore_requirement("ecdsa-p256.pub"), "secret"), image)
    suite.check("password: the right password signs, verify accepts", right.returncode == 0 and result.exit_code == 0,
                right.stderr + result.stderr)

    for status in (403, 500):
        refused_writes(suite, status)
    digest = suite.digest_of("refused")
    suite.check("refused: no .sig tag left", suite.sig_manifest("refused", digest) is None)


def refused_writes(suite, status):
    port = harness.free_port()
    log = os.path.join(suite.workdir, "shim-%d.log" % status)
    shim = harness.ChildServer("refusing-shim-%d" % status,
                               [harness.PYTHON, os.path.join(HERE, "refusing_shim.py"), "--port", str(port),
                                "--upstream", suite.registry.url, "--status", str(status), "--log", log],
                               port, suite.workdir).wait_listening()
    try:
        front = "127.0.0.1:%d/refused:v1" % port
        single = suite.sign("--key", publish.fixture_key("ecdsa-p256.key"), "docker://" + front)
        suite.check("refused %d: single image exit 3" % status, single.returncode == 3 and str(status) in single.stderr,
                    single.stderr)
        listing = os.path.join(suite.workdir, "refused-list.txt")
        with open(listing, "w") as out:
            out.write(front + "\n")
        failed = os.path.join(suite.workdir, "refused-failed-%d.txt" % status)
        batch = suite.sign("-f", listing, "--key", publish.fixture_key("ecdsa-p256.key"), "-o", failed)
        with open(failed) as failed_list:
            names = failed_list.read()
        suite.check("refused %d: batch exit 1, the failed list names the image" % status,
                    batch.returncode == 1 and front in names, batch.stderr + names)
    finally:
        shim.stop()


def usage_errors(suite):
    """Usage and configuration problems are exit 2 with the reason on stderr, before any request."""
    key = publish.fixture_key("ecdsa-p256.key")
    before = suite.registry.request_count()
    cases = {"dir: image": ["--key", key, "dir:" + publish.fixture_image("unsigned")],
             "no key and no --sign-by": ["docker://" + suite.ref("app")],
             "--key and --sign-by": ["--key", key, "--sign-by", "x", "docker://" + suite.ref("app")],
             "an image and -f": ["--key", key, "-f", "list", "docker://" + suite.ref("app")],
             "--bundle with --sign-by": ["--bundle", "--sign-by", "x", "docker://" + suite.ref("app")],
             "a public key as the key": ["--key", publish.fixture_key("ecdsa-p256.pub"), "docker://" + suite.ref("app")],
             "a missing key file": ["--key", os.path.join(suite.workdir, "absent.key"), "docker://" + suite.ref("app")]}
    http_lookaside = publish.write_registries_d(os.path.join(suite.workdir, "registries-http.d"), {},
                                                default_docker={"lookaside": "http://127.0.0.1:1/sigs",
                                                                "lookaside-staging": "https://127.0.0.1:1/staging"})
    cases["--sign-by with an http(s) write lookaside"] = ["--registries.d", http_lookaside, "--sign-by", "x",
                                                         "docker://" + suite.ref("app")]
    for name, arguments in cases.items():
        result = suite.sign(*arguments)
        suite.check("usage: %s exit 2" % name, result.returncode == 2 and result.stderr.strip(), result.stderr)
    time.sleep(0.3)
    suite.check("usage: no request sent", suite.registry.request_count() == before)
    missing = suite.sign("--key", key, "docker://" + suite.ref("app", "no-such-tag"))
    suite.check("missing image: exit 3 with the reason", missing.returncode == 3 and "no-such-tag" in missing.stderr,
                missing.stderr)


def token_auth_push(suite):
    """A registry with Bearer token auth (token_server.py, a second registry for
    this one case): the push scope repository:<path>:pull,push is asked for with
    the auth file's credentials, and what was signed verifies."""
    registry = harness.Registry(suite.workdir, "token")
    try:
        image = "%s/locked/app:v1" % registry.host
        publish.skopeo_copy("dir:" + publish.fixture_image("unsigned"), "docker://" + image, registry=registry)
        auth_file = os.path.join(suite.workdir, "token-auth.json")
        with open(auth_file, "w") as out:
            json.dump({"auths": {registry.host: {"auth": base64.b64encode(registry.creds.encode()).decode()}}}, out)
        anonymous = suite.sign("--key", publish.fixture_key("ecdsa-p256.key"), "--authfile",
                               os.path.join(suite.workdir, "absent-auth.json"), "docker://" + image)
        suite.check("token: without credentials exit 3", anonymous.returncode == 3, anonymous.stderr)
        signed = suite.sign("--key", publish.fixture_key("ecdsa-p256.key"), "--authfile", auth_file, "docker://" + image)
        tokens = registry.token_server.token_requests()
        suite.check("token: signed with a pull,push token", signed.returncode == 0
                    and any("locked%2Fapp%3Apull%2Cpush" in line or "locked/app:pull,push" in line for line in tokens),
                    signed.stderr + "".join(tokens[-3:]))
        policy = os.path.join(suite.workdir, "token-policy.json")
        with open(policy, "w") as out:
            json.dump({"default": [{"type": "reject"}], "transports": {"docker": {registry.host: [
                sigstore_requirement("ecdsa-p256.pub")]}}}, out)
        result = registry_common.run_imgtrust(suite.imgtrust, policy, "docker://" + image, suite.registries_d,
                                              extra=["--authfile", auth_file])
        suite.check("token: imgtrust verify accepts", result.exit_code == 0, result.stderr)
    finally:
        registry.stop()


def interrupted_batch(suite):
    """SIGINT during a list against a loopback port that accepts connections and
    never answers: exit 130, and every line (none can be signed) is in the
    failed list, so that it resumes the run."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    try:
        port = listener.getsockname()[1]
        listing = os.path.join(suite.workdir, "interrupt-list.txt")
        lines = ["127.0.0.1:%d/silent%d:v1" % (port, index) for index in range(6)]
        with open(listing, "w") as out:
            out.write("\n".join(lines) + "\n")
        failed = os.path.join(suite.workdir, "interrupt-failed.txt")
        command = [suite.imgtrust, "sign", "-f", listing, "--key", publish.fixture_key("ecdsa-p256.key"),
                   "--tls-verify=false", "-j", "2", "-o", failed]
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=suite.workdir,
                                   env=dict(os.environ, COSIGN_PASSWORD=""))
        time.sleep(1.0)  # the outcome does not depend on it: nothing can be signed either way
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=60)
        with open(failed) as failed_list:
            listed = failed_list.read().split()
        suite.check("interrupt: exit 130, every line in the failed list", process.returncode == 130 and listed == lines,
                    err.decode(errors="replace")[-500:] + str(listed))
    finally:
        listener.close()
