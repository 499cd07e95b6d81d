"""The signing suite's round trips: legacy .sig (byte-wise, openssl, append,
duplicates, mirror), batch, bundles (@sigstore/verify, mount), GPG (skopeo),
oci: layouts. See sign_suite.py."""
import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys

from sign_common import HERE, cosign_fixture, harness, publish, registry_common, sigstore_requirement


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


def tls_push_round_trip(suite):
    """HTTPS with a certs.d CA (a second, TLS-mode registry for this case): the
    writes go through the engine's HTTP/2-capable multi thread, with
    certificates verified, and verify accepts what was pushed."""
    registry = harness.Registry(suite.workdir, "tls")
    try:
        image = "%s/secure/app:v1" % registry.host
        publish.skopeo_copy("dir:" + publish.fixture_image("unsigned"), "docker://" + image, registry=registry)
        command = [suite.imgtrust, "sign", "--key", publish.fixture_key("ecdsa-p256.key"), "--cert-dir", registry.cert_dir,
                   "docker://" + image]
        signed = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=suite.workdir,
                                env=dict(os.environ, COSIGN_PASSWORD=""))
        suite.check("tls: signed with certificates verified", signed.returncode == 0, signed.stderr)
        untrusted = subprocess.run(command[:4] + ["docker://" + image], capture_output=True, text=True, timeout=120,
                                   cwd=suite.workdir, env=dict(os.environ, COSIGN_PASSWORD=""))
        suite.check("tls: without the CA exit 3", untrusted.returncode == 3, untrusted.stderr)
        policy = os.path.join(suite.workdir, "tls-policy.json")
        with open(policy, "w") as out:
            json.dump({"default": [{"type": "reject"}], "transports": {"docker": {registry.host: [
                sigstore_requirement("ecdsa-p256.pub")]}}}, out)
        result = registry_common.run_imgtrust(suite.imgtrust, policy, "docker://" + image, suite.registries_d,
                                              extra=["--cert-dir", registry.cert_dir])
        suite.check("tls: imgtrust verify accepts", result.exit_code == 0, result.stderr)
    finally:
        registry.stop()
