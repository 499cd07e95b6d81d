#!/usr/bin/python3
"""imgtrust sign round trips against one loopback docker-registry (2.8, no
referrers API) for the whole suite:
- legacy sigstore (.sig): what imgtrust signs, imgtrust verifies
  (matchRepoDigestOrExact), byte-wise as cosign's spec lays it out (layer media
  type, signature annotation, payload, config) and `openssl dgst -verify`;
  a second key appends (the first signature kept), the same key again adds
  nothing; after a `skopeo copy` mirror, validate --exact-repository accepts it;
- batch mode (hangar flags): a list with a multi-arch image, the index and
  each selected platform signed, validate accepts the list;
- bundles (--bundle): verified by imgtrust under matchDigestOnly, and the
  referrers tag index lists them;
- GPG (--sign-by): the lookaside-staging signature is accepted by skopeo 1.9.3
  (`skopeo copy` under signedBy);
- a cosign-format encrypted key written here (python3-cryptography scrypt,
  python3-nacl secretbox): right password signs, wrong password exits 2 with
  nothing sent to the registry;
- a registry front refusing writes (refusing_shim.py, 403 and 500): single
  image exit 3, batch exit 1 with the image in the failed list, and no .sig tag;
- usage errors exit 2 before any request; a missing image exit 3;
- oci: layouts: the .sig entry in index.json, appended and deduplicated, verified
  by imgtrust verify oci:PATH:REF under exactReference;
- Bearer token auth (a second, token-mode registry for that case alone): the
  push scope is asked for with the auth file's credentials.
About 20 s.
"""
import base64
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
PASSWORD = "correct horse"


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


def legacy_round_trip(suite):
    image = suite.ref("app")
    signed = suite.sign("--key", publish.fixture_key("ecdsa-p256.key"), "docker://" + image)
    suite.check("legacy: sign exit 0", signed.returncode == 0, signed.stderr)
    digest = suite.digest_of("app")
    result = suite.verify(suite.policy(sigstore_requirement("ecdsa-p256.pub"), "p256"), image)
    suite.check("legacy: imgtrust verify accepts (matchRepoDigestOrExact)", result.exit_code == 0, result.stderr)
    other = suite.verify(suite.policy(sigstore_requirement("other-ecdsa-p256.pub"), "other"), image)
    suite.check("legacy: another key rejects", other.exit_code == 1, other.stderr)
    attachment = suite.sig_manifest("app", digest)
    layers = attachment["layers"] if attachment else []
    suite.check("legacy: one layer", len(layers) == 1, json.dumps(attachment))
    if not layers:
        return
    layer = layers[0]
    payload = suite.get("/v2/app/blobs/" + layer["digest"], accept="*/*")
    expected = cosign_fixture.make_payload(image, digest)
    suite.check("legacy: payload byte-wise as cosign's spec", payload == expected, "%r != %r" % (payload, expected))
    suite.check("legacy: layer media type", layer["mediaType"] == cosign_fixture.MIME_TYPE, layer["mediaType"])
    raw = base64.b64decode(layer["annotations"][cosign_fixture.SIGNATURE_ANNOTATION])
    suite.check("legacy: only the signature annotation", list(layer["annotations"]) == [cosign_fixture.SIGNATURE_ANNOTATION],
                str(layer["annotations"]))
    suite.check("legacy: openssl dgst -verify", cosign_fixture.openssl_verifies(payload, raw, publish.fixture_key("ecdsa-p256.pub")))
    config = json.loads(suite.get("/v2/app/blobs/" + attachment["config"]["digest"], accept="*/*"))
    want_config = {"architecture": "", "created": "0001-01-01T00:00:00Z", "history": [{"created": "0001-01-01T00:00:00Z"}],
                   "os": "", "rootfs": {"type": "layers", "diff_ids": [layer["digest"]]}, "config": {}}
    suite.check("legacy: config as cosign writes it", config == want_config, json.dumps(config))

    appended = suite.sign("--key", publish.fixture_key("ed25519.key"), "docker://" + image)
    after = suite.sig_manifest("app", digest) or {"layers": []}
    suite.check("append: exit 0, two layers, the first kept", appended.returncode == 0 and len(after["layers"]) == 2
                and after["layers"][0] == layer, appended.stderr + json.dumps(after))
    for key in ("ecdsa-p256.pub", "ed25519.pub"):
        result = suite.verify(suite.policy(sigstore_requirement(key), key), image)
        suite.check("append: %s still accepted" % key, result.exit_code == 0, result.stderr)
    again = suite.sign("--key", publish.fixture_key("ecdsa-p256.key"), "docker://" + image)
    final = suite.sig_manifest("app", digest) or {"layers": []}
    suite.check("append: the same key again adds nothing", again.returncode == 0 and len(final["layers"]) == 2,
                again.stdout + again.stderr)
    mirror_and_validate(suite, image, digest)


def mirror_and_validate(suite, image, digest):
    """hangar's workflow: sign, mirror with skopeo (image and its .sig tag), validate --exact-repository."""
    mirror = suite.ref("mirror/app")
    sig_tag = digest.replace(":", "-") + ".sig"
    for source, destination in ((image, mirror), (suite.ref("app", sig_tag), suite.ref("mirror/app", sig_tag))):
        publish.skopeo_copy("docker://" + source, "docker://" + destination, extra=["--src-tls-verify=false"])
    listing = os.path.join(suite.workdir, "mirror-list.txt")
    with open(listing, "w") as out:
        out.write(mirror + "\n")
    command = [suite.imgtrust, "validate", "-f", listing, "--sigstore-pubkey", publish.fixture_key("ecdsa-p256.pub"),
               "--exact-repository", "%s/app" % suite.registry.host, "--tls-verify=false", "-y",
               "-o", os.path.join(suite.workdir, "mirror-failed.txt"), "-r", os.path.join(suite.workdir, "mirror-report.json")]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=suite.workdir)
    suite.check("mirror: validate --exact-repository accepts", result.returncode == 0, result.stderr)
    plain = suite.verify(suite.policy(sigstore_requirement("ecdsa-p256.pub"), "mirror-default"), mirror)
    suite.check("mirror: matchRepoDigestOrExact rejects the mirror", plain.exit_code == 1, plain.stderr)
    exact = suite.verify(suite.policy(sigstore_requirement("ecdsa-p256.pub", {"type": "exactRepository",
                                                                             "dockerRepository": "%s/app" % suite.registry.host}),
                                      "mirror-exact"), mirror)
    suite.check("mirror: exactRepository accepts", exact.exit_code == 0, exact.stderr)


def batch_round_trip(suite):
    listing = os.path.join(suite.workdir, "list.txt")
    with open(listing, "w") as out:
        out.write("# hangar list\n%s\n\n// comment\n%s\n" % ("batch/app:v1", "batch/multi:v1"))
    failed = os.path.join(suite.workdir, "batch-failed.txt")
    signed = suite.sign("-f", listing, "--sigstore-key", publish.fixture_key("ecdsa-p384.key"), "--registry",
                        suite.registry.host, "-a", "amd64,arm64", "--os", "linux", "-j", "4", "-o", failed)
    suite.check("batch: exit 0", signed.returncode == 0, signed.stderr)
    multi_index = suite.manifest("batch/multi", "v1")
    instances = [entry["digest"] for entry in json.loads(multi_index)["manifests"]]
    index_digest = "sha256:" + hashlib.sha256(multi_index).hexdigest()
    missing = [digest for digest in [index_digest] + instances if not suite.sig_manifest("batch/multi", digest)]
    suite.check("batch: the index and every platform signed", not missing, str(missing))
    report = os.path.join(suite.workdir, "batch-report.json")
    command = [suite.imgtrust, "validate", "-f", listing, "--registry", suite.registry.host, "--sigstore-pubkey",
               publish.fixture_key("ecdsa-p384.pub"), "--tls-verify=false", "-y", "-r", report,
               "-o", os.path.join(suite.workdir, "batch-validate-failed.txt")]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=suite.workdir)
    suite.check("batch: validate accepts the signed list", result.returncode == 0, result.stderr)


def bundle_round_trip(suite):
    image = suite.ref("bundled")
    signed = suite.sign("--bundle", "--key", publish.fixture_key("ecdsa-p256.key"), "docker://" + image)
    suite.check("bundle: sign exit 0", signed.returncode == 0, signed.stderr)
    digest = suite.digest_of("bundled")
    index = suite.manifest("bundled", digest.replace(":", "-"))
    entries = json.loads(index)["manifests"] if index else []
    suite.check("bundle: the referrers tag lists one bundle",
                len(entries) == 1 and entries[0].get("artifactType") == "application/vnd.dev.sigstore.bundle.v0.3+json",
                str(index))
    if entries:
        bundle_cross_check(suite, entries[0]["digest"], digest)
    accepted = suite.verify(suite.policy(sigstore_requirement("ecdsa-p256.pub", {"type": "matchDigestOnly"}), "bundle"), image)
    suite.check("bundle: imgtrust verify accepts under matchDigestOnly", accepted.exit_code == 0, accepted.stderr)
    other = suite.verify(suite.policy(sigstore_requirement("other-ecdsa-p256.pub", {"type": "matchDigestOnly"}),
                                      "bundle-other"), image)
    suite.check("bundle: another key rejects", other.exit_code == 1, other.stderr)


def bundle_batch_mount(suite):
    """A list signed --bundle: the empty config blob is uploaded for the first
    image and mounted (POST ?mount=&from=, 201) into the second repository."""
    listing = os.path.join(suite.workdir, "bundle-list.txt")
    with open(listing, "w") as out:
        out.write("%s\n%s\n" % (suite.ref("bundled/one"), suite.ref("bundled/two")))
    before = suite.registry.request_count()
    signed = suite.sign("-f", listing, "--bundle", "--sigstore-key", publish.fixture_key("ecdsa-p256.key"), "-j", "1",
                        "-o", os.path.join(suite.workdir, "bundle-failed.txt"))
    import time
    time.sleep(0.3)
    lines = suite.registry.request_lines()[before:]
    mounts = [line for line in lines if line.startswith("POST /v2/bundled/two/blobs/uploads/?mount=") and line.endswith(" 201")]
    suite.check("bundle batch: exit 0, the empty config mounted from bundled/one", signed.returncode == 0 and len(mounts) == 1
                and "from=bundled%2Fone" in mounts[0], signed.stderr + "\n".join(lines))
    for repository in ("bundled/one", "bundled/two"):
        accepted = suite.verify(suite.policy(sigstore_requirement("ecdsa-p256.pub", {"type": "matchDigestOnly"}),
                                             "bundle-batch"), suite.ref(repository))
        suite.check("bundle batch: %s verifies" % repository, accepted.exit_code == 0, accepted.stderr)


def bundle_cross_check(suite, referrer_digest, manifest_digest):
    """The referrer as cosign v3 lays it out; its bundle's statement names the
    manifest digest, and @sigstore/verify 3.1.1 verifies it with the public key."""
    referrer = json.loads(suite.manifest("bundled", referrer_digest))
    suite.check("bundle: referrer subject is the signed manifest", referrer.get("subject", {}).get("digest") == manifest_digest
                and referrer["config"]["mediaType"] == "application/vnd.oci.empty.v1+json", json.dumps(referrer))
    bundle = suite.get("/v2/bundled/blobs/" + referrer["layers"][0]["digest"], accept="*/*")
    envelope = json.loads(bundle)["dsseEnvelope"]
    statement = json.loads(base64.b64decode(envelope["payload"]))
    subject_digest = "sha256:" + statement["subject"][0]["digest"]["sha256"]
    suite.check("bundle: the in-toto subject is the manifest digest", subject_digest == manifest_digest
                and envelope["payloadType"] == "application/vnd.in-toto+json", json.dumps(statement))
    sys.path.insert(0, os.path.join(publish.FIXTURES, "tools", "sigstore-js"))
    import npm_env
    try:
        modules = npm_env.ensure()
    except npm_env.NpmUnavailable as error:
        print("SKIP bundle: @sigstore/verify unavailable (%s)" % error)
        return
    bundle_file = os.path.join(suite.workdir, "signed.bundle.json")
    with open(bundle_file, "wb") as out:
        out.write(bundle)
    result = subprocess.run(["node", os.path.join(HERE, "verify_signed_bundle.js"), bundle_file,
                             publish.fixture_key("ecdsa-p256.pub")], capture_output=True, text=True, timeout=60,
                            env=dict(os.environ, NODE_PATH=str(modules)))
    suite.check("bundle: @sigstore/verify 3.1.1 verifies it", result.returncode == 0, result.stdout + result.stderr)
    other = subprocess.run(["node", os.path.join(HERE, "verify_signed_bundle.js"), bundle_file,
                            publish.fixture_key("other-ecdsa-p256.pub")], capture_output=True, text=True, timeout=60,
                           env=dict(os.environ, NODE_PATH=str(modules)))
    suite.check("bundle: @sigstore/verify refuses another key", other.returncode == 1, other.stdout + other.stderr)


def gpg_round_trip(suite):
    lookaside = os.path.join(suite.workdir, "lookaside")
    registries_d = publish.write_registries_d(os.path.join(suite.workdir, "registries-gpg.d"), {
        suite.registry.host: {"lookaside": "file://" + lookaside, "lookaside-staging": "file://" + lookaside}})
    image = suite.ref("gpg-app")
    with publish.GnupgHome() as gnupg:
        environment = gnupg.env()
        signed = suite.sign("--registries.d", registries_d, "--sign-by", publish.SIGNER_PRIMARY_ONLY, "docker://" + image,
                            env=environment)
    suite.check("gpg: sign exit 0", signed.returncode == 0, signed.stderr)
    digest = suite.digest_of("gpg-app")
    files = publish.lookaside_signatures(lookaside, "gpg-app", digest)
    suite.check("gpg: signature-1 in the lookaside", [os.path.basename(f) for f in files] == ["signature-1"], str(files))
    policy = os.path.join(suite.workdir, "gpg-policy.json")
    with open(policy, "w") as out:
        json.dump({"default": [{"type": "reject"}], "transports": {"docker": {suite.registry.host: [
            {"type": "signedBy", "keyType": "GPGKeys", "keyPath": publish.fixture_key("gpg-primary-only.gpg")}]}}}, out)
    outcome, output = registry_common.run_skopeo_oracle("skopeo", policy, "docker://" + image, registries_d, suite.workdir)
    suite.check("gpg: skopeo 1.9.3 accepts under signedBy", outcome == "accepted", output)


def password_and_refusal(suite):
    encrypted = os.path.join(suite.workdir, "cosign.key")
    write_encrypted_cosign_key(encrypted, publish.fixture_key("ecdsa-p256.key"), PASSWORD)
    image = suite.ref("secret")
    before = suite.registry.request_count()
    wrong = suite.sign("--key", encrypted, "docker://" + image, env=dict(os.environ, COSIGN_PASSWORD="wrong"))
    import time
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
    import time
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


def oci_layout_round_trip(suite):
    """oci:PATH[:REF]: a legacy signature into the layout (index.json entry
    sha256-<hex>.sig), appended and deduplicated as in a registry; imgtrust
    verify oci:PATH:REF accepts it under exactReference."""
    layout = os.path.join(suite.workdir, "oci-layout")
    shutil.copytree(publish.fixture_image("oci-unsigned"), layout)
    identity = "registry.example/app:v1"
    first = suite.sign("--key", publish.fixture_key("ecdsa-p256.key"), "--identity", identity, "oci:" + layout + ":v1")
    second = suite.sign("--key", publish.fixture_key("ed25519.key"), "--identity", identity, "oci:" + layout + ":v1")
    again = suite.sign("--key", publish.fixture_key("ecdsa-p256.key"), "--identity", identity, "oci:" + layout + ":v1")
    with open(os.path.join(layout, "index.json")) as index_file:
        index = json.load(index_file)
    names = [entry.get("annotations", {}).get("org.opencontainers.image.ref.name") for entry in index["manifests"]]
    sig_entries = [entry for entry in index["manifests"]
                   if entry.get("annotations", {}).get("org.opencontainers.image.ref.name", "").endswith(".sig")]
    layers = []
    if sig_entries:
        with open(os.path.join(layout, "blobs", "sha256", sig_entries[0]["digest"].split(":")[1]), "rb") as blob:
            layers = json.load(blob)["layers"]
    suite.check("oci: signed, appended, the duplicate not added", first.returncode == 0 and second.returncode == 0
                and again.returncode == 0 and len(sig_entries) == 1 and len(layers) == 2 and "v1" in names,
                first.stderr + second.stderr + again.stderr + str(names))
    for key, expected in (("ecdsa-p256.pub", 0), ("ed25519.pub", 0), ("other-ecdsa-p256.pub", 1)):
        policy = os.path.join(suite.workdir, "oci-policy.json")
        with open(policy, "w") as out:
            json.dump({"default": [{"type": "reject"}], "transports": {"oci": {"": [sigstore_requirement(
                key, {"type": "exactReference", "dockerReference": identity})]}}}, out)
        result = registry_common.run_imgtrust(suite.imgtrust, policy, "oci:" + layout + ":v1")
        suite.check("oci: verify with %s exit %d" % (key, expected), result.exit_code == expected, result.stderr)
    bundle = suite.sign("--bundle", "--key", publish.fixture_key("ecdsa-p256.key"), "--identity", identity, "oci:" + layout)
    no_identity = suite.sign("--key", publish.fixture_key("ecdsa-p256.key"), "oci:" + layout)
    suite.check("oci: --bundle and a missing --identity exit 2", bundle.returncode == 2 and no_identity.returncode == 2,
                bundle.stderr + no_identity.stderr)


def main():
    arguments = registry_common.parse_arguments(__doc__.split("\n")[0])
    workdir = harness.make_workdir("imgtrust-sign-")
    suite = Suite(arguments, workdir)
    try:
        unsigned = "dir:" + publish.fixture_image("unsigned")
        for repository in ("app", "batch/app", "bundled", "bundled/one", "bundled/two", "gpg-app", "secret", "refused"):
            publish.skopeo_copy(unsigned, "docker://" + suite.ref(repository))
        publish.skopeo_copy("dir:" + publish.fixture_image("multiarch-unsigned"), "docker://" + suite.ref("batch/multi"),
                            copy_all=True)
        for case in (legacy_round_trip, batch_round_trip, bundle_round_trip, bundle_batch_mount, gpg_round_trip,
                     password_and_refusal, usage_errors, token_auth_push,
                     oci_layout_round_trip):
            if arguments.filter and arguments.filter not in case.__name__:
                continue
            try:
                case(suite)
            except Exception as error:  # one broken case must not hide the others
                suite.check(case.__name__, False, "%s: %s" % (type(error).__name__, error))
    finally:
        suite.registry.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    return harness.report("integration-signing", suite.results)


if __name__ == "__main__":
    sys.exit(main())
