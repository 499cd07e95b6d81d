#!/usr/bin/python3
"""GPG differential suite for docker://: imgtrust against skopeo 1.9.3 (the oracle).

A plain-HTTP docker-registry on 127.0.0.1 holds images pushed and signed by
`skopeo copy --sign-by` into a file:// lookaside (registries.d lookaside-staging);
the lookaside is read back over file:// and over a loopback http:// server. Per case:
  skopeo --policy P --registries.d D copy --src-tls-verify=false docker://… dir:TMP
  imgtrust verify --policy P --registries.d D --tls-verify=false docker://…
must agree, except where EXPECTED_DIFFERENCES says why not. Prints "N/N agree".

Usage: gpg_differential.py --imgtrust BIN [--skopeo skopeo] [--filter TEXT] [--verbose]
"""
import json
import os
import shutil

import harness
import publish
import registry_common as rc
from gpg_differential_cases import build_cases

common = rc.common

EXPECTED_DIFFERENCES = {
    "key/subkey-signature":
        ("accepted", "c/image >= 5.37 accepts a signature made by a signing subkey of a trusted key; skopeo 1.9.3 "
                     "(c/image 5.23) rejects it (DESIGN §3a.8; tests/integration/skopeo_differential.py)"),
}


class World:
    """The registry, lookaside, http server and registries.d directories the cases use."""

    def __init__(self, workdir):
        self.workdir = workdir
        self.registry = harness.Registry(workdir, "plain")
        self.host = self.registry.host
        self.lookaside = os.path.join(workdir, "lookaside")
        os.makedirs(self.lookaside)
        self.http = harness.StaticHttpServer(self.lookaside, workdir)
        self.registries_d = self._write_registries_d()
        self.digests = {}

    def _write_registries_d(self):
        file_url, host = "file://" + self.lookaside, self.host
        layouts = {
            "publish": ({host: {"lookaside": file_url, "lookaside-staging": file_url}}, None),
            "file": ({host: {"lookaside": file_url}}, None),
            "http": ({host: {"lookaside": self.http.url}}, None),
            "repo-scope": ({host + "/signed/app": {"lookaside": file_url}}, None),
            "namespace-scope": ({host + "/signed": {"lookaside": file_url}}, None),
            "default-docker": ({}, {"lookaside": file_url}),
            "unrelated-scope": ({host + "/unrelated": {"lookaside": file_url}}, None),
            "empty": ({}, None),
        }
        directories = {}
        for name, (entries, default) in layouts.items():
            directory = os.path.join(self.workdir, "registries.d-" + name)
            if entries or default:
                publish.write_registries_d(directory, entries, default)
            else:
                os.makedirs(directory)
            directories[name] = directory
        return directories

    def ref(self, repository, tag_or_digest="v1"):
        if tag_or_digest in self.digests:
            tag_or_digest = self.digests[tag_or_digest]
        return "docker://%s/%s%s" % (self.host, repository, publish.reference_suffix(tag_or_digest))

    def name(self, repository, tag=None):
        """A docker reference (no transport) for policies."""
        return "%s/%s%s" % (self.host, repository, ":" + tag if tag else "")

    def stop(self):
        self.http.stop()
        self.registry.stop()


def publish_images(world):
    """Every image the cases name; see gpg_differential_cases.py for what each is."""
    unsigned = "dir:" + publish.fixture_image("unsigned")
    staging = world.registries_d["publish"]
    host = world.host
    with publish.GnupgHome() as gnupg:
        def push(source, repository, signer=None, **options):
            publish.skopeo_copy(source, "docker://%s/%s" % (host, repository), sign_by=signer, gnupg=gnupg,
                                registries_d=staging, **options)
        push(unsigned, "signed/app:v1", publish.SIGNER_PRIMARY_ONLY)
        push(unsigned, "signed/app:v2")
        push(unsigned, "other/app:v1", publish.SIGNER_OTHER)
        push(unsigned, "subkey/app:v1", publish.SIGNER_TRUSTED)
        push(unsigned, "unsigned/app:v1")
        push(unsigned, "upstream/app:v1", publish.SIGNER_PRIMARY_ONLY)
        from_registry = ["--src-tls-verify=false"]
        push("docker://%s/upstream/app:v1" % host, "mirror/app:v1", extra=from_registry)
        push("docker://%s/other/app:v1" % host, "twosig/app:v1", publish.SIGNER_PRIMARY_ONLY, extra=from_registry)
        push(unsigned, "tampered/app:v1", publish.SIGNER_PRIMARY_ONLY)
        push(unsigned, "swapped/app:v1", extra=["--format", "v2s2"])
        for repository in ("multi/app:v1", "multi-gap/app:v1"):
            push("dir:" + publish.fixture_image("multiarch-unsigned"), repository, publish.SIGNER_PRIMARY_ONLY,
                 copy_all=True)
        world.digests["MI"] = sign_instances_by_digest(world, push, "multi-inst/app", ["arm64"])
        world.digests["ME"] = sign_instances_by_digest(world, push, "multi-each/app", ["amd64", "arm64"])
    digest, _ = publish.manifest_digest(world.registry, "signed/app", "v1")
    world.digests["D"] = digest
    tamper_signature(world, "tampered/app", digest)
    swapped_digest, _ = publish.manifest_digest(world.registry, "swapped/app", "v1")
    if swapped_digest == digest:
        raise RuntimeError("the v2s2 copy kept the digest; the swapped-signature case would test nothing")
    remove_instance_signature(world, "multi-gap/app", "amd64")
    target = os.path.join(world.lookaside, "swapped/app@" + swapped_digest.replace(":", "="))
    os.makedirs(target)
    shutil.copy(publish.lookaside_signatures(world.lookaside, "signed/app", digest)[0],
                os.path.join(target, "signature-1"))


def sign_instances_by_digest(world, push, repository, architectures):
    """Pushes the multi-arch fixture unsigned (copy --all), then signs the named
    platforms' instances by digest: skopeo copy --sign-by R@I R@I. Returns the
    index digest."""
    push("dir:" + publish.fixture_image("multiarch-unsigned"), repository + ":v1", copy_all=True)
    index_digest, raw_index = publish.manifest_digest(world.registry, repository, "v1")
    for instance in json.loads(raw_index)["manifests"]:
        if instance["platform"]["architecture"] in architectures:
            by_digest = "%s@%s" % (repository, instance["digest"])
            push("docker://%s/%s" % (world.host, by_digest), by_digest, publish.SIGNER_PRIMARY_ONLY,
                 extra=["--src-tls-verify=false"])
            if not publish.lookaside_signatures(world.lookaside, repository, instance["digest"]):
                raise RuntimeError("%s: signing by digest wrote no signature" % by_digest)
    if publish.lookaside_signatures(world.lookaside, repository, index_digest):
        raise RuntimeError("%s: the index must stay unsigned" % repository)
    return index_digest


def remove_instance_signature(world, repository, architecture):
    """Deletes the lookaside signatures of one platform's instance of an index."""
    _, raw_index = publish.manifest_digest(world.registry, repository, "v1")
    for instance in json.loads(raw_index)["manifests"]:
        if instance["platform"]["architecture"] == architecture:
            signatures = publish.lookaside_signatures(world.lookaside, repository, instance["digest"])
            if not signatures:
                raise RuntimeError("%s: no signature for the %s instance" % (repository, architecture))
            shutil.rmtree(os.path.dirname(signatures[0]))
            return
    raise RuntimeError("%s: no %s instance" % (repository, architecture))


def tamper_signature(world, repository, digest):
    signatures = publish.lookaside_signatures(world.lookaside, repository, digest)
    if len(signatures) != 1:
        raise RuntimeError("%s: expected one lookaside signature, found %r" % (repository, signatures))
    with open(signatures[0], "rb") as f:
        data = f.read()
    middle = len(data) // 2
    with open(signatures[0], "wb") as f:
        f.write(data[:middle] + bytes([data[middle] ^ 0x01]) + data[middle + 1:])


def check_case(arguments, world, case):
    """skopeo once, imgtrust with each OpenPGP engine when the policy has signedBy."""
    registries_d = world.registries_d[case.registries_d]
    policy_path = common.write_policy(world.workdir, "case", case.policy)
    oracle, oracle_output = rc.run_skopeo_oracle(arguments.skopeo, policy_path, case.image, registries_d,
                                                 world.workdir, case.options)
    problems = []
    if oracle != case.expect:
        problems.append("oracle (skopeo) said %s, the case expects %s: %s" % (oracle, case.expect, oracle_output[-300:]))
    wanted, why = EXPECTED_DIFFERENCES.get(case.name, (oracle, None))
    verdicts = []
    for label, engine_options in common.engine_runs(case.policy, arguments.openpgp_engines):
        result = rc.run_imgtrust(arguments.imgtrust, policy_path, case.image, registries_d,
                                 list(case.options) + engine_options)
        verdicts.append(result.verdict + label)
        if result.verdict != wanted:
            problems.append("imgtrust%s %s, skopeo %s: imgtrust: %s; skopeo: %s" % (
                label, result.verdict, oracle, result.text()[-400:], oracle_output[-200:]))
        if result.verdict in ("accepted", "rejected") and "--all" in case.options:
            problems += [p + label for p in rc.all_instances_problems(result, 2)]
        elif result.verdict in ("accepted", "rejected"):
            problems += [p + label for p in common.json_report_problems(result, None)]
    return problems, "imgtrust %s, skopeo %s%s" % (", ".join(verdicts), oracle, " [expected difference]" if why else "")


def main():
    arguments = rc.parse_arguments(__doc__.splitlines()[0])
    arguments.openpgp_engines = common.openpgp_engines(arguments.imgtrust)
    print("OpenPGP engines for signedBy cases: " + ", ".join(arguments.openpgp_engines))
    workdir = harness.make_workdir()
    world = None
    try:
        world = World(workdir)
        publish_images(world)
        all_cases = build_cases(world)
        cases = [case for case in all_cases if arguments.filter in case.name]
        failures = ["expected difference names no case: " + name
                    for name in sorted(set(EXPECTED_DIFFERENCES) - {case.name for case in all_cases})]
        for case in cases:
            problems, note = check_case(arguments, world, case)
            if arguments.verbose or problems:
                print("%-55s %s" % (case.name, note))
            failures += ["%s: %s" % (case.name, problem) for problem in problems]
        print("expected differences (skopeo 1.9.3 = c/image 5.23, imgtrust = current c/image):")
        for name, (verdict, why) in sorted(EXPECTED_DIFFERENCES.items()):
            print("  %s: imgtrust %s; %s" % (name, verdict, why))
        common.finish("registry GPG differential", len(cases), failures, "agree")
    finally:
        if world:
            world.stop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
