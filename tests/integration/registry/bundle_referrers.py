#!/usr/bin/python3
"""Sigstore bundles attached as OCI 1.1 referrers, read back through imgtrust.

Two registries on 127.0.0.1, both Debian's docker-registry 2.8:
  - direct: it has no referrers API (GET /v2/<name>/referrers/<digest> is a 404),
    so bundles are published with the referrers tag schema ("sha256-<hex>", an OCI
    index), as go-containerregistry (and so cosign v3) does for such registries;
  - behind referrers_shim.py, which serves the referrers API from a listing the
    test writes: Link pagination (path, query and absolute-URL links),
    OCI-Filters-Applied honoured, ignored or claimed falsely, SBOMs and
    attestation bundles mixed in, over-limit lists, links off the host, a tampered
    bundle blob.
The referrer manifests and blobs are real (pushed as cosign v3 writes them, see
referrers_push.py). Until bundle verification is wired into sigstoreSigned, what
imgtrust discovered is read from `verify --debug` ("Reading Sigstore bundle <layer>
of referrer <manifest> (<found_in>)"); the bundles are arbitrary bytes here, so a
sigstoreSigned policy must reject the image (exit 1), never accept it.
Metamorphic: for each keyed image bundle (and six keyless ones) of tests/fixtures/bundles/index.json
(made by helper writers independent of imgtrust, bound to the fixture image's
digest), the image is published with the bundle as a referrer, saved as
`cosign save` would (cosign_save_layout.py: referrers only in blobs/, linked by
`subject`), and the verdict on docker:// must equal the verdict on the oci:
copy and the fixture's expected verdict (sigstoreSigned, the bundle's key and
trusted root, matchDigestOnly).
Requests are counted per image (the registry's access log / the shim's log): once
the registry's missing API is known, an image with one bundle costs 5 requests
with the .sig probe (manifest, .sig, referrers tag, referrer manifest, bundle blob).
Prints "N/M pass".

Usage: bundle_referrers.py --imgtrust BIN [--filter TEXT] [--verbose]
"""
import json
import os
import re
import shutil
import time

import cosign_save_layout
import harness
import publish
import referrers_push as rp
import registry_common as rc

common = rc.common
READ_LINE = re.compile(r"Reading Sigstore bundle (sha256:[0-9a-f]{64}) of referrer (sha256:[0-9a-f]{64}) \((\S+)\)")
MAX_BUNDLES = 128


def bundle_bytes(name):
    """Arbitrary bundle-shaped JSON: discovery only moves bytes; it never parses bundles."""
    return json.dumps({"mediaType": rp.BUNDLE_V03, "test": name}).encode()


class Setup:
    """The registry, the shim in front of it, images, and the policy."""

    def __init__(self, workdir):
        self.workdir = workdir
        self.registry = harness.Registry(workdir, "plain")
        harness.wait_registry_ready(self.registry)
        self.shim_config = os.path.join(workdir, "shim.json")
        self.shim_log = os.path.join(workdir, "shim.log")
        self.write_shim({})
        self.shim_port = harness.free_port()
        self.shim = harness.ChildServer(
            "referrers-shim", [harness.PYTHON, os.path.join(harness.HERE, "referrers_shim.py"), "--port",
                               str(self.shim_port), "--upstream", self.registry.url, "--config", self.shim_config,
                               "--log", self.shim_log], self.shim_port, workdir).wait_listening()
        self.shim_host = "127.0.0.1:%d" % self.shim_port
        self.registries_d = {}
        for attachments in (True, False):
            self.registries_d[attachments] = publish.write_registries_d(
                os.path.join(workdir, "registries.d-%s" % attachments),
                {self.registry.host: {"use-sigstore-attachments": attachments},
                 self.shim_host: {"use-sigstore-attachments": attachments}})
        self.policy = common.write_policy(workdir, "bundles", common.policy(common.sigstore_signed(
            common.match("matchRepository"), keyPath=publish.fixture_key("ecdsa-p256.pub"))))

    def write_shim(self, settings):
        with open(self.shim_config + ".tmp", "w") as out:
            json.dump(settings, out)
        os.replace(self.shim_config + ".tmp", self.shim_config)

    def shim_lines(self):
        try:
            with open(self.shim_log) as log:
                return [line.strip() for line in log]
        except OSError:
            return []

    def push_image(self, repository):
        """The fixture image under repository:v1; returns (subject descriptor, layer digests)."""
        publish.skopeo_copy("dir:" + publish.fixture_image("unsigned"),
                            "docker://%s/%s:v1" % (self.registry.host, repository), registry=self.registry)
        digest, raw = publish.manifest_digest(self.registry, repository, "v1")
        manifest = json.loads(raw)
        subject = {"mediaType": manifest.get("mediaType", rp.OCI_MANIFEST), "digest": digest, "size": len(raw.encode())}
        return subject, [layer["digest"] for layer in manifest["layers"]]

    def target(self, repository):
        return publish.sigstore_push.RegistryTarget(self.registry.url, repository)

    def verify(self, images, attachments=True):
        """imgtrust verify --debug IMAGE... (checked in this order)."""
        return rc.run_imgtrust(self.arguments.imgtrust, self.policy, images[-1], self.registries_d[attachments],
                               ["--debug"] + list(images[:-1]))

    def stop(self):
        self.shim.stop()
        self.registry.stop()


def bundles_read(result):
    """{(layer digest, found_in)} from the --debug lines."""
    return {(m.group(1), m.group(3)) for m in READ_LINE.finditer(result.stderr)}


def expect(problems, condition, message):
    if not condition:
        problems.append(message)


def expect_rejected_with_bundles(result, wanted):
    problems = []
    expect(problems, result.exit_code == 1, "exit %d, want 1 (arbitrary bundles never accept): %s"
           % (result.exit_code, result.stderr[-600:]))
    found = bundles_read(result)
    expect(problems, found == wanted, "bundles read %s, want %s" % (sorted(found), sorted(wanted)))
    return problems


def expect_fetch_error(result, text):
    problems = []
    expect(problems, result.exit_code == 3, "exit %d, want 3: %s" % (result.exit_code, result.stderr[-600:]))
    expect(problems, text in result.stderr, "stderr does not say %r: %s" % (text, result.stderr[-600:]))
    return problems


# --- the referrers tag schema, on docker-registry 2.8 itself -----------------

def tag_schema_cases(setup):
    host = setup.registry.host
    subject, layers = setup.push_image("tag/app")
    target = setup.target("tag/app")
    listed, bundle_layers = [], []
    for name in ("one", "two"):
        descriptor, layer = rp.push_bundle(target, subject, bundle_bytes(name))
        listed.append(descriptor)
        bundle_layers.append(layer["digest"])
    attestation, attestation_layer = rp.push_bundle(target, subject, bundle_bytes("slsa"), rp.SLSA_PREDICATE)
    sbom, sbom_layer = rp.push_sbom(target, subject)
    foreign_subject = dict(subject, digest="sha256:" + "e" * 64)
    foreign, foreign_layer = rp.push_bundle(target, foreign_subject, bundle_bytes("foreign"))
    rp.set_referrers_tag(target, subject["digest"], listed[:1] + [sbom, attestation, foreign] + listed[1:])
    tag_image = "docker://%s/tag/app:v1" % host
    digest_image = "docker://%s/tag/app@%s" % (host, subject["digest"])
    wanted = {(layer, "referrers-tag") for layer in bundle_layers}

    def found_through_tag():
        result, lines = setup.registry.requests_during(lambda: setup.verify([tag_image]))
        problems = expect_rejected_with_bundles(result, wanted)
        never = [attestation_layer["digest"], sbom_layer["digest"], foreign_layer["digest"], sbom["digest"]] + layers
        fetched = [line for line in lines if any(d in line for d in never)]
        expect(problems, not fetched, "skipped artifacts or image layers were fetched: %s" % fetched)
        expect(problems, "application/spdx+json" in result.stderr and rp.SLSA_PREDICATE in result.stderr,
               "--debug does not list the skipped SBOM and attestation")
        return problems

    def by_digest():
        return expect_rejected_with_bundles(setup.verify([digest_image]), wanted)

    def not_opted_in():
        result, lines = setup.registry.requests_during(lambda: setup.verify([tag_image], attachments=False))
        problems = []
        expect(problems, result.exit_code == 1, "exit %d, want 1" % result.exit_code)
        expect(problems, not bundles_read(result), "bundles read without use-sigstore-attachments")
        extra = [line for line in lines if "/referrers/" in line or "sha256-" in line]
        expect(problems, not extra, "requests for attachments without use-sigstore-attachments: %s" % extra)
        return problems

    def no_referrers():
        setup.push_image("tag/none")
        result = setup.verify(["docker://%s/tag/none:v1" % host])
        problems = expect_rejected_with_bundles(result, set())
        expect(problems, "no signature exists" in result.stderr, "an unsigned image is not 'no signature exists'")
        return problems

    def request_budget():
        second_subject, _ = setup.push_image("tag/two")
        descriptor, layer = rp.push_bundle(setup.target("tag/two"), second_subject, bundle_bytes("second"))
        rp.set_referrers_tag(setup.target("tag/two"), second_subject["digest"], [descriptor])
        images = [tag_image, "docker://%s/tag/two:v1" % host]
        result, lines = setup.registry.requests_during(lambda: setup.verify(images))
        problems = []
        api = [line for line in lines if "/referrers/" in line]
        expect(problems, len(api) == 1, "the referrers API was asked %d times in one run (want once): %s" % (len(api), api))
        second = [line for line in lines if "/v2/tag/two/" in line]
        expect(problems, len(second) <= 5, "the second image cost %d requests (at most 5 with the .sig probe): %s"
               % (len(second), second))
        expect(problems, (layer["digest"], "referrers-tag") in bundles_read(result), "the second image's bundle was not read")
        setup.budget_note = "tag schema: first image %d requests, second %d (%s)" % (
            len([line for line in lines if "/v2/tag/app/" in line]), len(second), "; ".join(second))
        return problems

    def invalid_tag_index():
        subject_bad, _ = setup.push_image("tag/bad")
        setup.target("tag/bad").upload_blob(b"{}")
        setup.target("tag/bad").put_manifest(rp.referrers_tag(subject_bad["digest"]),
                                             rp.compact({"schemaVersion": 2, "mediaType": rp.OCI_MANIFEST,
                                                         "config": {"mediaType": rp.EMPTY_CONFIG,
                                                                    "digest": rp.digest_of(b"{}"), "size": 2},
                                                         "layers": []}))
        result = setup.verify(["docker://%s/tag/bad:v1" % host])
        problems = expect_rejected_with_bundles(result, set())
        expect(problems, "assuming there are no referrers" in result.stderr, "no debug line about the invalid referrers tag")
        return problems

    return [("tag-schema/found", found_through_tag), ("tag-schema/digest-reference", by_digest),
            ("tag-schema/not-opted-in", not_opted_in), ("tag-schema/no-referrers", no_referrers),
            ("tag-schema/request-budget", request_budget), ("tag-schema/not-an-index", invalid_tag_index)]


# --- metamorphic: docker:// against its `cosign save` copy --------------------

def fixture_image_cases():
    with open(os.path.join(publish.FIXTURES, "bundles", "index.json")) as source:
        cases = json.load(source)["cases"]
    unsigned = rp.digest_of(open(os.path.join(publish.fixture_image("unsigned"), "manifest.json"), "rb").read())
    keyed = [case for case in cases if case["name"].startswith("keyed/") and case.get("image") and case.get("key")]
    keyless = [case for case in cases if case["name"] in KEYLESS_METAMORPHIC and case.get("image")]
    return [case for case in keyed + keyless if case["image"]["manifest_digest"] == unsigned]


# Keyless bundles (Rekor v1 SET, TSA, Rekor v2 + TSA, and rejections), under fulcio + trustedRootPath.
KEYLESS_METAMORPHIC = {"keyless/valid-image-rekor", "keyless/valid-image-rekor-tsa", "keyless/valid-image-rekor2-tsa",
                       "keyless/reject-image-subject-other-digest", "keyless/reject-image-tampered-signature",
                       "keyless/reject-image-rekor2-no-timestamp"}


def fixture_requirement(fixture):
    """sigstoreSigned with the fixture's trust: its key, or fulcio with its identity; its trusted root."""
    requirement = {"type": "sigstoreSigned", "trustedRootPath": os.path.join(publish.FIXTURES, fixture["trusted_root"]),
                   "signedIdentity": {"type": "matchDigestOnly"}}
    if fixture.get("key"):
        requirement["keyPath"] = os.path.join(publish.FIXTURES, fixture["key"])
    else:
        requirement["fulcio"] = {"oidcIssuer": fixture["issuer"], "subject": fixture["identity"]}
    return requirement


def verdict(result):
    return {0: "accepted", 1: "rejected"}.get(result.exit_code, "exit %d" % result.exit_code)


def metamorphic_cases(setup):
    def case_for(number, fixture):
        def case():
            repository = "meta/case%d" % number
            subject, _ = setup.push_image(repository)
            target = setup.target(repository)
            with open(os.path.join(publish.FIXTURES, fixture["bundle"]), "rb") as source:
                descriptor, _ = rp.push_bundle(target, subject, source.read())
            rp.set_referrers_tag(target, subject["digest"], [descriptor])
            layout = os.path.join(setup.workdir, "saved-%d" % number)
            cosign_save_layout.save(setup.registry.url, repository, "v1", layout)
            policy = common.write_policy(setup.workdir, "meta-%d" % number, common.policy(fixture_requirement(fixture)))
            remote = rc.run_imgtrust(setup.arguments.imgtrust, policy, "docker://%s/%s:v1" % (setup.registry.host, repository),
                                     setup.registries_d[True], ["--debug"])
            local = rc.run_imgtrust(setup.arguments.imgtrust, policy, "oci:" + layout, None, ["--debug"])
            problems = []
            expect(problems, verdict(remote) == verdict(local), "docker:// %s but oci: %s: %s | %s" % (
                verdict(remote), verdict(local), remote.stderr[-400:], local.stderr[-400:]))
            expect(problems, verdict(remote) == fixture["image"]["verdict"], "docker:// %s, the fixture says %s: %s" % (
                verdict(remote), fixture["image"]["verdict"], remote.stderr[-400:]))
            expect(problems, "(referrers-tag)" in remote.stderr and "(oci-layout)" in local.stderr,
                   "the bundle was not read from both the referrers tag and the layout")
            return problems
        return case

    return [("metamorphic/" + fixture["name"], case_for(number, fixture))
            for number, fixture in enumerate(fixture_image_cases())]


# --- the referrers API, served by the shim ----------------------------------

def api_cases(setup):
    host = setup.shim_host
    subject, _ = setup.push_image("api/app")
    target = setup.target("api/app")
    bundles, layers = [], []
    for name in ("a", "b", "c"):
        descriptor, layer = rp.push_bundle(target, subject, bundle_bytes(name))
        bundles.append(descriptor)
        layers.append(layer["digest"])
    sbom, _ = rp.push_sbom(target, subject)
    attestation, _ = rp.push_bundle(target, subject, bundle_bytes("att"), rp.SLSA_PREDICATE)
    key = "api/app@" + subject["digest"]
    mixed = [bundles[0], sbom, bundles[1], attestation, bundles[2]]
    image = "docker://%s/api/app:v1" % host
    wanted = {(layer, "referrers") for layer in layers}

    def listing(**settings):
        settings.setdefault("listings", {key: mixed})
        setup.write_shim(settings)

    def run():
        before = len(setup.shim_lines())
        result = setup.verify([image])
        time.sleep(0.1)
        return result, setup.shim_lines()[before:]

    def paginated(link):
        def case():
            listing(page_size=2, link=link, filter="ignore")
            result, lines = run()
            problems = expect_rejected_with_bundles(result, wanted)
            pages = [line for line in lines if "/referrers/" in line]
            expect(problems, len(pages) == 3, "%d referrers pages read, want 3: %s" % (len(pages), pages))
            expect(problems, not any(sbom["digest"] in line or attestation["digest"] in line for line in lines),
                   "a skipped referrer's manifest was fetched")
            expect(problems, "application/spdx+json" in result.stderr, "--debug does not list the SBOM")
            return problems
        return case

    def filter_applied():
        listing(filter="apply")
        result, lines = run()
        problems = expect_rejected_with_bundles(result, wanted)
        asked = [line for line in lines if "/referrers/" in line]
        expect(problems, asked and "artifactType=application%2Fvnd.dev.sigstore.bundle.v0.3%2Bjson" in asked[0],
               "the listing did not ask for the bundle artifactType: %s" % asked)
        expect(problems, "filtered the list by artifactType" in result.stderr, "--debug does not say the registry filtered")
        return problems

    def filter_claimed_falsely():
        listing(filter="lie")
        result, lines = run()
        problems = expect_rejected_with_bundles(result, wanted)
        expect(problems, not any(sbom["digest"] in line for line in lines), "the SBOM was fetched despite the client filter")
        return problems

    def over_limit():
        many = [dict(bundles[0], digest="sha256:%064x" % i) for i in range(MAX_BUNDLES + 1)]
        listing(listings={key: many}, page_size=50)
        return expect_fetch_error(run()[0], "more than 128")

    def link_off_host():
        listing(page_size=2, link="foreign")
        return expect_fetch_error(run()[0], "leaves the referrers endpoint")

    def endless_pages():
        listing(page_size=1, link="loop")
        result, lines = run()
        problems = expect_fetch_error(result, "more than 16 pages")
        pages = [line for line in lines if "/referrers/" in line]
        expect(problems, len(pages) == 16, "%d pages read, want 16" % len(pages))
        return problems

    def tampered_bundle():
        listing(tamper_blobs=[layers[1]])
        return expect_fetch_error(run()[0], "mismatch")

    def request_budget():
        listing(listings={key: [bundles[0]]}, filter="apply")
        result, lines = run()
        problems = expect_rejected_with_bundles(result, {(layers[0], "referrers")})
        expect(problems, len(lines) <= 5, "%d requests for one image with one bundle (at most 5): %s" % (len(lines), lines))
        setup.api_budget_note = "referrers API: %d requests (%s)" % (len(lines), "; ".join(lines))
        return problems

    return [("api/pages-by-path", paginated("path")), ("api/pages-by-query", paginated("query")),
            ("api/pages-by-url", paginated("absolute")), ("api/filter-applied", filter_applied),
            ("api/filter-claimed-falsely", filter_claimed_falsely), ("api/over-limit", over_limit),
            ("api/link-off-host", link_off_host), ("api/endless-pages", endless_pages),
            ("api/tampered-bundle", tampered_bundle), ("api/request-budget", request_budget)]


def main():
    arguments = rc.parse_arguments(__doc__.splitlines()[0])
    workdir = harness.make_workdir()
    results = []
    setup = None
    try:
        setup = Setup(workdir)
        setup.arguments = arguments
        for name, case in tag_schema_cases(setup) + api_cases(setup) + metamorphic_cases(setup):
            if arguments.filter not in name:
                continue
            try:
                problems = case()
            except Exception as error:  # a broken case is a failure, not a crash of the suite
                problems = ["%s: %s" % (type(error).__name__, error)]
            if arguments.verbose:
                print("%-32s %s" % (name, "ok" if not problems else "; ".join(problems)))
            results.append((name, not problems, "; ".join(problems)))
        if arguments.verbose:
            for note in (getattr(setup, "budget_note", None), getattr(setup, "api_budget_note", None)):
                if note:
                    print(note)
    finally:
        if setup:
            setup.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    raise SystemExit(harness.report("bundle referrers", results))


if __name__ == "__main__":
    main()
