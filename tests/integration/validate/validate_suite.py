#!/usr/bin/python3
"""`imgtrust validate` (hangar mode) against a real docker-registry on 127.0.0.1.

Images are pushed with `skopeo copy --dest-tls-verify=false`; cosign signature
attachments with tests/fixtures/tools/push_sigstore_attachment.py. The registry
runs plain HTTP on a free port and is stopped by its PID (harness.Registry).

Cases: a mixed list (good, unsigned, tampered, wrong key, wrong identity, a
missing tag, an invalid line, a multi-arch image with one platform unsigned);
the failed file, the report and the exit code; -j 8 vs -j 1 identical reports
in every format; mirrored signatures with --exact-repository; cosign
repository-only identities with --match-repository; --registry/--project;
--arch filtering and missing platforms; the failed list fed back with -f;
--debug prefixes; usage errors; Sigstore bundles (cosign v3) attached with the
referrers tag schema (docker-registry 2.8 has no referrers API), validated with
--match-digest-only and --trusted-root, keyed and keyless. Prints "N/M pass".

Usage: validate_suite.py --imgtrust BIN [--filter TEXT] [--verbose]
"""
import argparse
import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "registry"))
import harness  # noqa: E402
import publish  # noqa: E402
import referrers_push  # noqa: E402

FIXTURES = os.path.normpath(os.path.join(HERE, "..", "..", "fixtures"))
# repository -> bundle (tests/fixtures/bundles/index.json: each is for the manifest of images/unsigned,
# except reject-image-subject-other-digest, whose in-toto subject is another digest).
BUNDLE_IMAGES = {
    "bundles/keyed": "keyed/valid-image-rekor.sigstore.json",
    "bundles/keyed-mirror": "keyed/valid-image-rekor.sigstore.json",
    "bundles/keyed-other-digest": "keyed/reject-image-subject-other-digest.sigstore.json",
    "bundles/keyless": "keyless/valid-image-rekor.sigstore.json",
    "bundles/keyless-tsa": "keyless/valid-image-rekor-tsa.sigstore.json",
}
KEYED_ROOT = os.path.join(FIXTURES, "bundles", "trust", "keyed-trusted_root.json")
KEYLESS_ROOT = os.path.join(FIXTURES, "bundles", "trust", "trusted_root.json")
WORKFLOW = "https://github.com/o/r/.github/workflows/x.yml@refs/heads/main"
ACTIONS_ISSUER = "https://token.actions.githubusercontent.com"
KEY, PUB = publish.fixture_key("ecdsa-p256.key"), publish.fixture_key("ecdsa-p256.pub")
OTHER_KEY, OTHER_PUB = publish.fixture_key("other-ecdsa-p256.key"), publish.fixture_key("other-ecdsa-p256.pub")


class World:
    """The registry and what was pushed into it."""

    def __init__(self, workdir):
        self.workdir = workdir
        self.registry = harness.Registry(workdir, "plain")
        harness.wait_registry_ready(self.registry)
        self.host = self.registry.host
        self.digests = {}
        self._push_single_images()
        self._push_multi_arch()
        self._push_bundle_images()

    def ref(self, repository_tag):
        return "%s/%s" % (self.host, repository_tag)

    def copy(self, source, repository_tag, extra=()):
        publish.skopeo_copy(source, "docker://" + self.ref(repository_tag), registry=self.registry, extra=extra)
        repository, _, tag = repository_tag.partition(":")
        digest, raw = publish.manifest_digest(self.registry, repository, tag)
        self.digests[repository_tag] = digest
        return digest, raw

    def sign(self, repository, digest, identity, key=KEY, pub=PUB, signed_digest=None):
        signature = publish.sigstore_push.make_signature(identity, signed_digest or digest, key, pub)
        publish.push_sigstore(self.registry, repository, digest, [signature])

    def _push_single_images(self):
        unsigned = "dir:" + publish.fixture_image("unsigned")
        for name in ("good", "unsigned", "wrongkey", "wrongid", "cosign", "second"):
            self.copy(unsigned, "team/%s:v1" % name)
        digest = self.digests["team/good:v1"]
        self.sign("team/good", digest, self.ref("team/good:v1"))
        self.sign("team/second", digest, self.ref("team/second:v1"))
        self.sign("team/wrongkey", digest, self.ref("team/wrongkey:v1"), OTHER_KEY, OTHER_PUB)
        self.sign("team/wrongid", digest, self.ref("team/other:v1"))
        self.sign("team/cosign", digest, self.ref("team/cosign"))  # cosign: repository only
        # Tampered: the tag now names another manifest (Docker schema 2 instead of OCI),
        # and the original signature was copied onto it.
        tampered, _ = self.copy(unsigned, "team/tampered:v1", extra=["--format", "v2s2"])
        assert tampered != digest, "the v2s2 copy should have another digest"
        self.sign("team/tampered", tampered, self.ref("team/tampered:v1"), signed_digest=digest)
        # Mirrored: signed at the source registry, copied with its signature.
        self.copy(unsigned, "mirror/app:v1")
        self.sign("mirror/app", digest, "source.example/upstream/app:v1")

    def _push_multi_arch(self):
        source = "dir:" + publish.fixture_image("multiarch-unsigned")
        for name in ("multi", "multi-ok"):
            index_digest, raw = self.copy(source, "team/%s:v1" % name, extra=["--all"])
            instances = {m["platform"]["architecture"]: m["digest"] for m in json.loads(raw)["manifests"]}
            self.instances = instances
            reference = self.ref("team/%s:v1" % name)
            self.sign("team/" + name, index_digest, reference)
            self.sign("team/" + name, instances["amd64"], reference)
            if name == "multi-ok":
                self.sign("team/" + name, instances["arm64"], reference)

    def _push_bundle_images(self):
        """The fixture image with a cosign v3 bundle from tests/fixtures/bundles (bound to its
        manifest digest), attached as cosign v3 attaches it to a registry without the
        referrers API: a referrer manifest, then the "sha256-<hex>" referrers tag."""
        unsigned = "dir:" + publish.fixture_image("unsigned")
        for repository, bundle in BUNDLE_IMAGES.items():
            digest, raw = self.copy(unsigned, repository + ":v1")
            subject = referrers_push.subject_of(raw.encode(), json.loads(raw).get("mediaType", referrers_push.OCI_MANIFEST))
            target = publish.sigstore_push.RegistryTarget(self.registry.url, repository)
            with open(os.path.join(FIXTURES, "bundles", bundle), "rb") as handle:
                descriptor, _ = referrers_push.push_bundle(target, subject, handle.read())
            referrers_push.set_referrers_tag(target, digest, [descriptor])

    def stop(self):
        self.registry.stop()


class Run:
    def __init__(self, completed, directory, report_name, failed_name):
        self.code, self.stdout, self.stderr = completed.returncode, completed.stdout, completed.stderr
        self.directory = directory
        self.report_text = _read(os.path.join(directory, report_name))
        self.failed_text = _read(os.path.join(directory, failed_name))

    def report(self):
        return json.loads(self.report_text)

    def results_by_line(self):
        return {result["line"]: result for result in self.report()["results"]}


def _read(path):
    try:
        with open(path, encoding="utf-8", errors="surrogateescape") as handle:
            return handle.read()
    except FileNotFoundError:
        return None


def validate(imgtrust, directory, list_text, arguments, report="report.json", failed="failed.txt", keep=False):
    """Runs imgtrust validate in `directory` on a list written there."""
    os.makedirs(directory, exist_ok=True)
    if not keep:
        for name in (report, failed):
            if os.path.exists(os.path.join(directory, name)):
                os.remove(os.path.join(directory, name))
    if list_text is not None:
        with open(os.path.join(directory, "list.txt"), "w") as out:
            out.write(list_text)
    command = [imgtrust, "validate", "-f", "list.txt", "-o", failed, "-r", report, "--tls-verify=false"] + list(arguments)
    completed = subprocess.run(command, cwd=directory, capture_output=True, text=True, timeout=240)
    return Run(completed, directory, report, failed)


def statuses(result):
    return [(m["kind"], m["platform"]["architecture"] if m["platform"] else "", m["status"]) for m in result["manifests"]]


class Checks:
    """Collects mismatches of one case."""

    def __init__(self):
        self.problems = []

    def equal(self, what, actual, expected):
        if actual != expected:
            self.problems.append("%s: got %r, expected %r" % (what, actual, expected))

    def true(self, what, condition):
        if not condition:
            self.problems.append(what)

    def result(self, run=None):
        if self.problems and run is not None:
            self.problems.append("exit %s; stderr: %s" % (run.code, run.stderr[-1500:]))
        return not self.problems, "; ".join(self.problems)


def mixed_list(world):
    """(list text, {line: expected image status}, failed lines as written)."""
    lines = [
        "# mirrored images, checked nightly",
        world.ref("team/good:v1"),
        "",
        "  " + world.ref("team/unsigned:v1") + "  ",
        "// tampered: the tag was moved, the signature copied",
        world.ref("team/tampered:v1"),
        world.ref("team/wrongkey:v1"),
        world.ref("team/wrongid:v1"),
        "Not/A Valid:Reference",
        world.ref("team/multi:v1"),
        world.ref("team/multi-ok:v1"),
        world.ref("team/missing:v1"),
        "docker://" + world.ref("team/second:v1"),
    ]
    expected = {2: "verified", 4: "unsigned", 6: "invalid-signature", 7: "untrusted-key", 8: "identity-mismatch",
                9: "invalid-reference", 10: "unsigned", 11: "verified", 12: "fetch-error", 13: "verified"}
    failed = [lines[n - 1] for n in sorted(expected) if expected[n] != "verified"]
    return "\n".join(lines) + "\n", expected, failed


def case_mixed_list(world, imgtrust, scratch):
    text, expected, failed = mixed_list(world)
    run = validate(imgtrust, os.path.join(scratch, "mixed"), text, ["-p", PUB, "-j", "4"])
    checks = Checks()
    checks.equal("exit code", run.code, 1)
    checks.equal("failed file", run.failed_text, "".join(line + "\n" for line in failed))
    by_line = run.results_by_line()
    checks.equal("report lines", sorted(by_line), sorted(expected))
    for line, status in expected.items():
        if line in by_line:
            checks.equal("line %d status" % line, by_line[line]["status"], status)
            checks.equal("line %d passed" % line, by_line[line]["passed"], status == "verified")
    if 10 in by_line:
        checks.equal("multi-arch manifests", statuses(by_line[10]),
                     [("index", "", "verified"), ("platform", "amd64", "verified"), ("platform", "arm64", "unsigned")])
        arm = by_line[10]["manifests"][2]
        checks.equal("arm64 digest", arm["digest"], world.instances["arm64"])
        checks.true("arm64 reason", "no signature exists" in " ".join(arm["reasons"]))
    if 2 in by_line:
        good = by_line[2]["manifests"][0]
        checks.equal("good digest", good["digest"], world.digests["team/good:v1"])
        checks.equal("good identity", good["signedIdentity"], world.ref("team/good:v1"))
        checks.true("good fingerprint", good["keyFingerprint"].startswith("SHA256:"))
    if 9 in by_line:
        checks.true("invalid line reported with its number", by_line[9]["error"].startswith("line 9:"))
    if 6 in by_line:
        checks.true("tampered reason", "does not match" in " ".join(by_line[6]["manifests"][0]["reasons"]))
    summary = run.report()["summary"] if run.report_text else {}
    checks.equal("summary", (summary.get("images"), summary.get("passed"), summary.get("failed")), (10, 3, 7))
    fail_lines = [line for line in run.stderr.splitlines() if line.startswith("FAIL ")]
    checks.equal("one FAIL line per failed image", len(fail_lines), 7)
    checks.true("line 9 FAIL names its line number", any(l.startswith("FAIL line 9 ") for l in fail_lines))
    checks.true("summary line", "10 images checked: 3 passed, 7 failed" in run.stderr)
    checks.true("no progress noise off a TTY", "\r" not in run.stderr and "images/s  " not in run.stderr)
    return checks.result(run)


def case_jobs_identical(world, imgtrust, scratch):
    text, _, _ = mixed_list(world)
    checks = Checks()
    for report_format in ("json", "yaml", "csv"):
        name = "report." + report_format
        one = validate(imgtrust, os.path.join(scratch, "j1-" + report_format), text,
                       ["-p", PUB, "-j", "1", "--format", report_format], report=name)
        eight = validate(imgtrust, os.path.join(scratch, "j8-" + report_format), text,
                         ["-p", PUB, "-j", "8", "--format", report_format], report=name)
        checks.equal(report_format + " exit codes", (one.code, eight.code), (1, 1))
        checks.true(report_format + " report written", one.report_text is not None and len(one.report_text) > 100)
        checks.true(report_format + ": -j 8 and -j 1 reports differ", one.report_text == eight.report_text)
        checks.true(report_format + ": failed files differ", one.failed_text == eight.failed_text)
        if report_format == "csv" and one.report_text:
            rows = list(csv.reader(io.StringIO(one.report_text, newline="")))
            # 18 columns, then the 9 keyless CI identity columns appended by issue 15 and the 3
            # Sigstore bundle columns appended by issue 14 (never reordered)
            checks.equal("csv columns", len(rows[0]), 30)
            checks.equal("csv column 18 (first appended)", rows[0][18], "certificate_matched_san")
            checks.equal("csv columns 27-29 (bundles)", rows[0][27:], ["signature_format", "found_in", "signing_times"])
            checks.true("csv rows all have 30 columns", all(len(row) == 30 for row in rows))
    return checks.result()


def case_exact_repository(world, imgtrust, scratch):
    text = world.ref("mirror/app:v1") + "\n"
    checks = Checks()
    plain = validate(imgtrust, os.path.join(scratch, "mirror-plain"), text, ["-p", PUB])
    checks.equal("without --exact-repository: exit", plain.code, 1)
    if plain.report_text:
        checks.equal("without: status", plain.report()["results"][0]["status"], "identity-mismatch")
    exact = validate(imgtrust, os.path.join(scratch, "mirror-exact"), text,
                     ["-p", PUB, "--exact-repository", "source.example/upstream/app"])
    checks.equal("with --exact-repository: exit", exact.code, 0)
    checks.equal("with: failed file empty", exact.failed_text, "")
    if exact.report_text:
        manifest = exact.report()["results"][0]["manifests"][0]
        checks.equal("with: status", manifest["status"], "verified")
        checks.equal("with: identity", manifest["signedIdentity"], "source.example/upstream/app:v1")
    wrong = validate(imgtrust, os.path.join(scratch, "mirror-wrong"), text,
                     ["-p", PUB, "--exact-repository", "source.example/other/app"])
    checks.equal("another repository: exit", wrong.code, 1)
    return checks.result(exact)


def case_match_repository(world, imgtrust, scratch):
    text = world.ref("team/cosign:v1") + "\n"
    checks = Checks()
    default = validate(imgtrust, os.path.join(scratch, "cosign-default"), text, ["-p", PUB])
    checks.equal("cosign identity, default matchRepoDigestOrExact: exit", default.code, 1)
    if default.report_text:
        result = default.report()["results"][0]
        checks.equal("default: status", result["status"], "identity-mismatch")
        checks.true("default: hint about repository-only identities",
                    "matchRepository" in " ".join(result["manifests"][0]["reasons"]))
    matched = validate(imgtrust, os.path.join(scratch, "cosign-match"), text, ["-p", PUB, "--match-repository"])
    checks.equal("--match-repository: exit", matched.code, 0)
    return checks.result(matched)


def case_registry_project_override(world, imgtrust, scratch):
    text = "source.example/upstream/good:v1\ngood:v1\ndocker.io/library/second:v1\nupstream/wrongkey:v1\n"
    run = validate(imgtrust, os.path.join(scratch, "override"), text,
                   ["-p", PUB, "--registry", world.host, "--project", "team"])
    checks = Checks()
    checks.equal("exit", run.code, 1)
    checks.equal("failed file keeps the line as written", run.failed_text, "upstream/wrongkey:v1\n")
    if run.report_text:
        results = run.report()["results"]
        checks.equal("rewritten references", [r["reference"] for r in results],
                     ["docker://" + world.ref(name) for name in ("team/good:v1", "team/good:v1", "team/second:v1",
                                                                 "team/wrongkey:v1")])
        checks.equal("statuses", [r["status"] for r in results], ["verified", "verified", "verified", "untrusted-key"])
        checks.equal("overrides recorded", run.report()["overrides"], {"registry": world.host, "project": "team"})
    return checks.result(run)


def case_platform_filter(world, imgtrust, scratch):
    text = world.ref("team/multi:v1") + "\n" + world.ref("team/multi-ok:v1") + "\n"
    checks = Checks()
    amd64 = validate(imgtrust, os.path.join(scratch, "arch-amd64"), text, ["-p", PUB, "--arch", "amd64"])
    checks.equal("--arch amd64: exit (arm64 not checked)", amd64.code, 0)
    if amd64.report_text:
        checks.equal("--arch amd64: multi", statuses(amd64.report()["results"][0]),
                     [("index", "", "verified"), ("platform", "amd64", "verified"),
                      ("platform", "arm64", "skipped-by-filter")])
    missing = validate(imgtrust, os.path.join(scratch, "arch-missing"), world.ref("team/multi-ok:v1") + "\n",
                       ["-p", PUB, "-a", "amd64,s390x", "--validate-manifest-index=false"])
    checks.equal("missing s390x: exit", missing.code, 0)
    if missing.report_text:
        result = missing.report()["results"][0]
        checks.equal("missing s390x: manifests", statuses(result),
                     [("platform", "amd64", "verified"), ("platform", "arm64", "skipped-by-filter"),
                      ("platform", "s390x", "skipped-by-filter")])
        checks.true("missing s390x: reason", "not in the index" in " ".join(result["manifests"][2]["reasons"]))
    return checks.result(missing)


def case_failed_list_fed_back(world, imgtrust, scratch):
    text, _, failed = mixed_list(world)
    directory = os.path.join(scratch, "feed-back")
    first = validate(imgtrust, directory, text, ["-p", PUB], failed="list.txt")
    checks = Checks()
    checks.equal("first run exit", first.code, 1)
    checks.equal("-o list.txt replaced the list with the failed lines", _read(os.path.join(directory, "list.txt")),
                 "".join(line + "\n" for line in failed))
    second = validate(imgtrust, directory, None, ["-p", PUB, "-y"], failed="failed-again.txt", keep=True)
    checks.equal("second run exit", second.code, 1)
    checks.equal("second run fails the same lines", second.failed_text, "".join(line + "\n" for line in failed))
    return checks.result(second)


def case_all_pass_and_usage_errors(world, imgtrust, scratch):
    text = world.ref("team/good:v1") + "\n" + world.ref("team/multi-ok:v1") + "\n"
    directory = os.path.join(scratch, "usage")
    checks = Checks()
    run = validate(imgtrust, directory, text, ["-p", PUB, "--format", "yaml"], report="r.yaml")
    checks.equal("all pass: exit", run.code, 0)
    checks.equal("all pass: empty failed file", run.failed_text, "")
    again = validate(imgtrust, directory, text, ["-p", PUB, "--format", "yaml"], report="r.yaml", keep=True)
    checks.equal("existing report without -y: exit", again.code, 2)
    checks.true("existing report message", "already exists" in again.stderr)
    checks.equal("existing report untouched", again.report_text, run.report_text)
    overwrite = validate(imgtrust, directory, text, ["-p", PUB, "--format", "yaml", "-y"], report="r.yaml", keep=True)
    checks.equal("-y overwrites: exit", overwrite.code, 0)
    for arguments, what in ((["-p", PUB, "-j", "0"], "-j 0"), (["-p", PUB, "-j", "65"], "-j 65"),
                            ([], "no key"), (["-p", publish.fixture_key("not-a-key.pub")], "bad key"),
                            (["-p", PUB, "--format", "xml"], "bad format"), (["-p", PUB, "--timeout", "ten"], "bad timeout"),
                            (["-p", PUB, "--exact-repository", "a/b:tag"], "tagged --exact-repository"),
                            (["-p", PUB, "--registry", "a/b"], "bad --registry")):
        bad = validate(imgtrust, os.path.join(scratch, "usage-bad"), text, arguments)
        checks.equal(what + ": exit", bad.code, 2)
        checks.equal(what + ": no report", bad.report_text, None)
    return checks.result(run)


def case_debug_prefixes(world, imgtrust, scratch):
    text, _, _ = mixed_list(world)
    run = validate(imgtrust, os.path.join(scratch, "debug"), text, ["-p", PUB, "-j", "4", "--debug"])
    checks = Checks()
    debug = [line for line in run.stderr.splitlines() if line.startswith("DEBU")]
    checks.true("debug lines were written", len(debug) > 10)
    pattern = re.compile(r"^DEBU \[(-|job [1-4] line \d+ \S.*?)\] ")
    checks.equal("debug lines without a job prefix", [line for line in debug if not pattern.match(line)][:3], [])
    jobs = {match.group(1).split(" line")[0] for match in map(pattern.match, debug) if match}
    checks.true("several jobs appear in debug output", len(jobs - {"-"}) >= 2)
    checks.equal("exit with --debug", run.code, 1)
    return checks.result(run)


def bundle_manifests(run):
    return [result["manifests"][0] if result["manifests"] else {} for result in run.report()["results"]]


def case_bundles_keyed(world, imgtrust, scratch):
    """Keyed bundles: accepted with --match-digest-only, never under the default identity."""
    text = world.ref("bundles/keyed:v1") + "\n" + world.ref("bundles/keyed-mirror:v1") + "\n"
    trust = ["-p", PUB, "--trusted-root", KEYED_ROOT]
    checks = Checks()
    accepted = validate(imgtrust, os.path.join(scratch, "bundles-keyed"), text, trust + ["--match-digest-only", "-j", "2"])
    checks.equal("--match-digest-only: exit", accepted.code, 0)
    checks.equal("--match-digest-only: failed file", accepted.failed_text, "")
    if accepted.report_text:
        checks.true("policy names matchDigestOnly and the root",
                    "matchDigestOnly" in accepted.report()["policy"] and KEYED_ROOT in accepted.report()["policy"])
        for manifest in bundle_manifests(accepted):
            checks.equal("status", manifest.get("status"), "verified")
            checks.equal("digest", manifest.get("digest"), world.digests["bundles/keyed:v1"])
            checks.equal("signatureFormat", manifest.get("signatureFormat"), "sigstore-bundle")
            checks.equal("foundIn", manifest.get("foundIn"), "referrers-tag")
            checks.equal("signedIdentity (a bundle names no image)", manifest.get("signedIdentity"), "")
            checks.true("keyFingerprint", manifest.get("keyFingerprint", "").startswith("SHA256:"))
            times = manifest.get("signingTimes", [])
            checks.equal("signing time sources", [t["source"] for t in times], ["SET"])
            checks.true("SET time and log", times and times[0]["time"] > 1_600_000_000 and times[0]["authority"])
    csv_run = validate(imgtrust, os.path.join(scratch, "bundles-keyed-csv"), text,
                       trust + ["--match-digest-only", "--format", "csv"], report="report.csv")
    checks.equal("csv: exit", csv_run.code, 0)
    if csv_run.report_text:
        rows = list(csv.reader(io.StringIO(csv_run.report_text, newline="")))
        checks.equal("csv: the appended bundle columns", [row[27:29] for row in rows[1:]],
                     [["sigstore-bundle", "referrers-tag"]] * 2)
        checks.true("csv: signing_times", all(row[29].startswith("SET ") for row in rows[1:]))
    default = validate(imgtrust, os.path.join(scratch, "bundles-keyed-default"), text, trust)
    checks.equal("default identity: exit", default.code, 1)
    checks.equal("default identity: failed file", default.failed_text, text)
    if default.report_text:
        for manifest in bundle_manifests(default):
            checks.equal("default identity: status", manifest.get("status"), "identity-mismatch")
            reasons = " ".join(manifest.get("reasons", []))
            checks.true("default identity: the reason says a bundle names no image", "a bundle names no image" in reasons)
            checks.true("default identity: the reason says how to accept it", "matchDigestOnly" in reasons)
            checks.equal("default identity: no accepted signature", manifest.get("signatureFormat"), "")
    other = validate(imgtrust, os.path.join(scratch, "bundles-keyed-other"), world.ref("bundles/keyed-other-digest:v1") + "\n",
                     trust + ["--match-digest-only"])
    checks.equal("a bundle for another digest: exit", other.code, 1)
    if other.report_text:
        manifest = bundle_manifests(other)[0]
        checks.equal("another digest: status", manifest.get("status"), "invalid-signature")
        reasons = " ".join(manifest.get("reasons", []))
        checks.true("another digest: reason %r" % reasons[:600], "is not a subject of the in-toto statement" in reasons)
    return checks.result(default if default.code != 1 else accepted)


def case_bundles_keyless(world, imgtrust, scratch):
    """Keyless bundles against a trusted_root.json (Rekor SET; Rekor SET and a TSA timestamp)."""
    text = world.ref("bundles/keyless:v1") + "\n" + world.ref("bundles/keyless-tsa:v1") + "\n"
    identity = ["--trusted-root", KEYLESS_ROOT, "--certificate-oidc-issuer", ACTIONS_ISSUER, "--match-digest-only"]
    checks = Checks()
    run = validate(imgtrust, os.path.join(scratch, "bundles-keyless"), text, identity + ["--certificate-identity", WORKFLOW])
    checks.equal("exit", run.code, 0)
    if run.report_text:
        manifests = bundle_manifests(run)
        for manifest in manifests:
            checks.equal("status", manifest.get("status"), "verified")
            checks.equal("signatureFormat", manifest.get("signatureFormat"), "sigstore-bundle")
            checks.equal("foundIn", manifest.get("foundIn"), "referrers-tag")
            checks.equal("certificateMatchedSan", manifest.get("certificateMatchedSan"), "URI:" + WORKFLOW)
            checks.equal("certificateOidcIssuer", manifest.get("certificateOidcIssuer"), ACTIONS_ISSUER)
        sources = [sorted(t["source"] for t in m.get("signingTimes", [])) for m in manifests]
        checks.equal("signing time sources (SET; SET and TSA)", sources, [["SET"], ["SET", "TSA"]])
    other = validate(imgtrust, os.path.join(scratch, "bundles-keyless-other"), text,
                     identity + ["--certificate-identity", WORKFLOW.replace("x.yml", "other.yml")])
    checks.equal("another identity: exit", other.code, 1)
    if other.report_text:
        checks.equal("another identity: statuses", [r["status"] for r in other.report()["results"]],
                     ["untrusted-key", "untrusted-key"])
    bad_root = validate(imgtrust, os.path.join(scratch, "bundles-bad-root"), text,
                        ["--trusted-root", PUB, "--certificate-oidc-issuer", ACTIONS_ISSUER, "--certificate-identity", WORKFLOW])
    checks.equal("invalid --trusted-root: exit", bad_root.code, 2)
    checks.equal("invalid --trusted-root: no report (no image checked)", bad_root.report_text, None)
    checks.true("invalid --trusted-root: message", "invalid trusted root" in bad_root.stderr)
    return checks.result(run if run.code != 0 else other)


CASES = [
    ("mixed-list", case_mixed_list),
    ("jobs-8-vs-1-identical", case_jobs_identical),
    ("exact-repository-mirror", case_exact_repository),
    ("match-repository-cosign", case_match_repository),
    ("registry-project-override", case_registry_project_override),
    ("platform-filter", case_platform_filter),
    ("failed-list-fed-back", case_failed_list_fed_back),
    ("all-pass-and-usage-errors", case_all_pass_and_usage_errors),
    ("debug-prefixes", case_debug_prefixes),
    ("bundles-keyed-match-digest-only", case_bundles_keyed),
    ("bundles-keyless-trusted-root", case_bundles_keyless),
]


def run_suite(description, suite_name, workdir_prefix, cases, make_world=World, prepare=None):
    """Runs the (name, case) pairs whose name contains --filter against one registry
    world (stopped and its workdir removed at the end) and prints "N/M pass".
    prepare(world, imgtrust, scratch), run once, gives what every case gets first
    (the world itself by default); a case is called as case(that, imgtrust, scratch)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--imgtrust", required=True)
    parser.add_argument("--filter", default="")
    parser.add_argument("--verbose", action="store_true")
    arguments, _ = parser.parse_known_args()
    imgtrust = os.path.realpath(arguments.imgtrust)
    workdir = harness.make_workdir(workdir_prefix)
    world = None
    results = []
    try:
        world = make_world(workdir)
        scratch = os.path.join(workdir, "runs")
        context = prepare(world, imgtrust, scratch) if prepare else world
        for name, case in cases:
            if arguments.filter in name:
                ok, detail = case(context, imgtrust, scratch)
                results.append((name, ok, detail))
                if arguments.verbose:
                    print("%s %s" % ("ok  " if ok else "FAIL", name))
    finally:
        if world:
            world.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    return harness.report(suite_name, results)


def main():
    return run_suite("imgtrust validate against a real docker-registry", "validate", "imgtrust-validate-", CASES)


if __name__ == "__main__":
    sys.exit(main())
