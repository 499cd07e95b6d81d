#!/usr/bin/python3
"""oci-archive: images (a tar of an OCI layout) against skopeo 1.9.3, and
hostile archives.

1. Differential: for each case both `skopeo --policy P copy IMAGE dir:TMP` and
   `imgtrust verify --policy P IMAGE` run on the archives skopeo wrote
   (tests/fixtures/archives, regenerate-archives.sh): scopes (the resolved
   archive path and its parents, transports["oci-archive"], never "oci"),
   references (PATH, PATH:NAME, a missing name, an unnamed image), a
   multi-platform index, and signedBy (GPG: an OCI layout holds no simple
   signatures, so both reject).
2. Metamorphic, sigstore (skopeo 1.9.3 cannot verify it): the cosign-signed
   oci: fixtures archived here with Python's tarfile give the same verdict,
   manifest digest and signature outcomes as oci: on the directory.
3. Hostile archives: truncated, entry names leaving the layout, an oversize
   index.json or manifest, no index.json, not a tar, a symlinked index.json,
   a directory: exit 3 with the reason on stderr; an 8 MiB layer is never read.

Usage: oci_archive_differential.py --imgtrust BIN --fixtures tests/fixtures [--skopeo skopeo]
"""
import io
import json
import os
import shutil
import tarfile

import suite_common as common
from skopeo_differential import run_skopeo
from suite_common import ACCEPT, APP_REPO, APP_V1, REJECT, exact_reference, exact_repository, policy, signed_by, \
    sigstore_signed

AMD64 = ("--override-os", "linux", "--override-arch", "amd64")


def manifest_digest_in(archive, ref="v1"):
    with tarfile.open(archive) as tar:
        index = json.load(tar.extractfile("index.json"))
    for entry in index["manifests"]:
        if entry.get("annotations", {}).get("org.opencontainers.image.ref.name", "") == ref or not ref:
            return entry["digest"]
    return None


def differential_cases(fx, scratch):
    archives = os.path.join(fx.root, "archives")
    store = os.path.join(scratch, "store", "ns")
    os.makedirs(store)
    app = os.path.join(store, "app.tar")
    shutil.copy(os.path.join(archives, "unsigned-v1.tar"), app)
    link = os.path.join(scratch, "link.tar")
    os.symlink(app, link)
    multi, unnamed = os.path.join(archives, "multiarch-v1.tar"), os.path.join(archives, "unnamed.tar")
    gpg = signed_by(exact_reference(APP_V1), keyPath=fx.key("gpg-primary-only.gpg"))
    only = lambda scope, requirement: policy(REJECT, transports={"oci-archive": {scope: [requirement]}})  # noqa: E731
    image = "oci-archive:%s:v1" % app
    return [
        ("accept-anything", image, policy(ACCEPT), "accepted", ()),
        ("reject", image, policy(REJECT), "rejected", ()),
        ("signedBy/no-signatures", image, policy(gpg), "rejected", ()),
        ("scope/archive-path", image, only(app, ACCEPT), "accepted", ()),
        ("scope/parent-directory", image, only(store, ACCEPT), "accepted", ()),
        ("scope/grandparent-directory", image, only(os.path.dirname(store), ACCEPT), "accepted", ()),
        ("scope/transport-wide", image, only("", ACCEPT), "accepted", ()),
        ("scope/archive-path-rejects", image, policy(ACCEPT, transports={"oci-archive": {app: [REJECT]}}), "rejected", ()),
        ("scope/oci-transport-does-not-apply", image, policy(REJECT, transports={"oci": {app: [ACCEPT]}}), "rejected", ()),
        ("scope/sibling-directory", image, only(store + "-sibling", ACCEPT), "rejected", ()),
        ("scope/through-symlink", "oci-archive:%s:v1" % link, only(app, ACCEPT), "accepted", ()),
        ("scope/relative-path-invalid", image, only("store/ns", ACCEPT), "invalid", ()),
        ("ref/no-name-single-image", "oci-archive:" + app, policy(ACCEPT), "accepted", ()),
        ("ref/missing-name", "oci-archive:%s:v2" % app, policy(ACCEPT), "error", ()),
        ("ref/unnamed-image", "oci-archive:" + unnamed, policy(ACCEPT), "accepted", ()),
        ("ref/unnamed-image-by-name", "oci-archive:%s:v1" % unnamed, policy(ACCEPT), "error", ()),
        ("ref/missing-archive", "oci-archive:%s:v1" % os.path.join(scratch, "none.tar"), policy(ACCEPT), "error", ()),
        ("multiarch/amd64/accept-anything", "oci-archive:%s:v1" % multi, policy(ACCEPT), "accepted", AMD64),
        ("multiarch/amd64/signedBy", "oci-archive:%s:v1" % multi, policy(gpg), "rejected", AMD64),
    ]


def differential_check(args, scratch, name, image, pol, expect, options):
    def run():
        policy_path = common.write_policy(scratch, "diff", pol)
        oracle, oracle_output = run_skopeo(args.skopeo, policy_path, image, scratch, options)
        result = common.run_imgtrust(args.imgtrust, policy_path, image, ["--output", "json"] + list(options), cwd=scratch)
        problems = []
        if oracle != expect:
            problems.append("oracle (skopeo) said %s, the case expects %s: %s" % (oracle, expect, oracle_output[-300:]))
        if result.verdict != oracle:
            problems.append("imgtrust %s, skopeo %s: %s" % (result.verdict, oracle, result.text()[-300:]))
        if result.verdict in ("accepted", "rejected") and not options:
            path = image[len("oci-archive:"):].rsplit(":", 1)[0] if image.count(":") > 1 else image[len("oci-archive:"):]
            problems += common.json_report_problems(result, manifest_digest_in(path, "v1" if image.endswith(":v1") else ""))
        return problems, "imgtrust %s, skopeo %s" % (result.verdict, oracle)
    return run


def archive_layout(layout, archive):
    """A tar of an OCI layout directory, as Python's tarfile writes it (an independent writer)."""
    with tarfile.open(archive, "w") as tar:
        for name in sorted(os.listdir(layout)):
            tar.add(os.path.join(layout, name), arcname=name)
    return archive


def signature_summary(result):
    entry = json.loads(result.stdout)["images"][0]
    return (entry.get("allowed"), entry.get("manifestDigest"),
            [[(s["accepted"], s["format"], s["reason"].replace("oci:", "").replace("oci-archive:", ""))
              for s in r["signatures"]] for r in entry["requirements"]])


def metamorphic_check(args, fx, scratch, layout_name, requirement, expect):
    def run():
        layout = fx.image(layout_name)
        archive = archive_layout(layout, os.path.join(scratch, layout_name + ".tar"))
        policy_path = common.write_policy(scratch, "meta", policy(requirement))
        directory = common.run_imgtrust(args.imgtrust, policy_path, "oci:%s:v1" % layout, ["--output", "json"])
        archived = common.run_imgtrust(args.imgtrust, policy_path, "oci-archive:%s:v1" % archive, ["--output", "json"])
        problems = []
        if (directory.verdict, archived.verdict) != (expect, expect):
            problems.append("oci: %s, oci-archive: %s, want %s: %s" % (directory.verdict, archived.verdict, expect,
                                                                        archived.text()[-300:]))
        elif signature_summary(directory) != signature_summary(archived):
            problems.append("outcomes differ: %r vs %r" % (signature_summary(directory), signature_summary(archived)))
        return problems, "oci: %s, oci-archive: %s" % (directory.verdict, archived.verdict)
    return run


def metamorphic_checks(args, fx, scratch):
    p256 = fx.key("ecdsa-p256.pub")
    by_repo = sigstore_signed(exact_repository(APP_REPO), keyPath=p256)
    by_tag = sigstore_signed(exact_reference(APP_V1), keyPath=p256)
    table = [
        ("oci-cosign-repository-identity", by_repo, "accepted"),
        ("oci-cosign-repository-identity", by_tag, "rejected"),
        ("oci-cosign-other-then-valid", by_tag, "accepted"),
        ("oci-cosign-tampered-signature", by_tag, "rejected"),
        ("oci-unsigned", by_tag, "rejected"),
    ]
    return [("sigstore/%s/%s" % (name, expect), metamorphic_check(args, fx, scratch, name, requirement, expect))
            for name, requirement, expect in table]


def rewrite_archive(source, target, change):
    """Copies the tar `source` to `target`; change(name, bytes) -> [(TarInfo, bytes or None)] per member."""
    with tarfile.open(source) as tar_in, tarfile.open(target, "w") as tar_out:
        for member in tar_in.getmembers():
            data = tar_in.extractfile(member).read() if member.isfile() else None
            for info, content in change(member, data):
                tar_out.addfile(info, io.BytesIO(content) if content is not None else None)
    return target


def file_member(name, content):
    info = tarfile.TarInfo(name)
    info.size = len(content)
    return info, content


def hostile_archives(fx, scratch):
    source = os.path.join(fx.root, "archives", "unsigned-v1.tar")
    out = lambda name: os.path.join(scratch, name + ".tar")  # noqa: E731
    keep = lambda member, data: [(member, data)]  # noqa: E731
    with open(source, "rb") as f:
        whole = f.read()
    truncated = out("truncated")
    with open(truncated, "wb") as f:
        f.write(whole[:len(whole) // 2 + 100])
    not_a_tar = out("not-a-tar")
    with open(not_a_tar, "wb") as f:
        f.write(b"this is not an archive\n" * 100)
    manifest = manifest_digest_in(source).split(":")[1]
    index = json.loads(tarfile.open(source).extractfile("index.json").read())
    layer_digest = None
    with tarfile.open(source) as tar:
        parsed = json.load(tar.extractfile("blobs/sha256/" + manifest))
        layer_digest = parsed["layers"][0]["digest"].split(":")[1]
    big_index = json.dumps(index).encode() + b" " * (5 * 1024 * 1024)
    symlink = tarfile.TarInfo("index.json")
    symlink.type, symlink.linkname = tarfile.SYMTYPE, "/etc/passwd"
    return {
        "truncated": (truncated, "error", "truncated"),
        "not-a-tar": (not_a_tar, "error", "Unrecognized archive format"),
        "traversal-dotdot": (rewrite_archive(source, out("dotdot"), lambda m, d: keep(m, d) + (
            [file_member("blobs/../../evil", b"x")] if m.name == "oci-layout" else [])), "error", "outside the layout"),
        "traversal-absolute": (rewrite_archive(source, out("absolute"), lambda m, d: keep(m, d) + (
            [file_member("/tmp/evil", b"x")] if m.name == "oci-layout" else [])), "error", "outside the layout"),
        "oversize-index": (rewrite_archive(source, out("big-index"), lambda m, d: [file_member("index.json", big_index)]
                                           if m.name == "index.json" else keep(m, d)), "error", "larger than 4194304"),
        "oversize-manifest": (rewrite_archive(source, out("big-manifest"), lambda m, d: [file_member(
            m.name, d + b" " * (5 * 1024 * 1024))] if m.name.endswith(manifest) else keep(m, d)), "error",
            "larger than 4194304"),
        "missing-index": (rewrite_archive(source, out("no-index"), lambda m, d: [] if m.name == "index.json"
                                          else keep(m, d)), "error", "not an OCI layout"),
        "symlinked-index": (rewrite_archive(source, out("symlink-index"), lambda m, d: [(symlink, None)]
                                            if m.name == "index.json" else keep(m, d)), "error", "not a regular file"),
        "directory": (scratch, "error", "not a regular file"),
        # Never read: a layer larger than every bound (its digest no longer matches; only a pull would see that).
        "8-MiB-layer-never-read": (rewrite_archive(source, out("big-layer"), lambda m, d: [file_member(
            m.name, b"\0" * (8 * 1024 * 1024))] if m.name.endswith(layer_digest) else keep(m, d)), "accepted", ""),
        # Extraction semantics: a name given twice means its last entry.
        "duplicate-index-last-wins": (rewrite_archive(source, out("duplicate-index"), lambda m, d: [
            file_member("index.json", json.dumps({"schemaVersion": 2, "manifests": []}).encode()), (m, d)]
            if m.name == "index.json" else keep(m, d)), "accepted", ""),
    }


def hostile_check(args, scratch, archive, expect, words):
    def run():
        policy_path = common.write_policy(scratch, "hostile", policy(ACCEPT))
        result = common.run_imgtrust(args.imgtrust, policy_path, "oci-archive:%s:v1" % archive, ["--output", "json"])
        problems = []
        if result.verdict != expect:
            problems.append("imgtrust %s, want %s: %s" % (result.verdict, expect, result.text()[-300:]))
        if words and words not in result.stderr:
            problems.append("stderr does not say %r: %r" % (words, result.stderr[-300:]))
        return problems, "imgtrust %s" % result.verdict
    return run


def all_checks(args, fx, scratch):
    checks = [("differential/" + name, differential_check(args, scratch, name, image, pol, expect, options))
              for name, image, pol, expect, options in differential_cases(fx, scratch)]
    checks += metamorphic_checks(args, fx, scratch)
    checks += [("hostile/" + name, hostile_check(args, scratch, archive, expect, words))
               for name, (archive, expect, words) in hostile_archives(fx, scratch).items()]
    return checks


def main():
    common.run_check_suite(__doc__, "oci-archive", all_checks)


if __name__ == "__main__":
    main()
