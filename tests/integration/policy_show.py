#!/usr/bin/python3
"""imgtrust policy show: podman image trust show's table (one row per
requirement, "default" first, then transports and scopes in name order; podman's
type names accept/reject/signed/sigstoreSigned), the --json document
documented in imgtrust-policy(1), --raw (the file as it is), policy discovery
as verify does it (--policy, else CONTAINERS_POLICY_JSON), the registries.d
lookaside of docker scopes (--registries.d), and exit 2 with the reason for an
invalid or missing policy. No network, no skopeo; about a second.

Usage: policy_show.py --imgtrust BIN --fixtures tests/fixtures
"""
import json
import os
import re
import shutil
import subprocess

import suite_common as common
from suite_common import ACCEPT, REJECT, exact_reference, exact_repository, match, policy, signed_by, sigstore_signed

REGISTRIES_D = ("default-docker:\n  lookaside: https://default.example/sigs\n"
                "docker:\n  registry.example.com/team:\n    lookaside: https://team.example/sigs\n")


def show(args, *options, env=None):
    run_env = dict(os.environ)
    run_env.pop("CONTAINERS_POLICY_JSON", None)
    run_env.update(env or {})
    result = subprocess.run([args.imgtrust, "policy", "show"] + list(options), capture_output=True, text=True,
                            env=run_env, timeout=60)
    return result


def the_policy(fx):
    return policy(REJECT, transports={
        "docker": {
            "registry.example.com/team/app": [signed_by(exact_reference("registry.example.com/team/app:v1"),
                                                        keyPath=fx.key("gpg-trusted.gpg"))],
            "quay.example": [sigstore_signed(exact_repository("quay.example/app"),
                                             keyPaths=[fx.key("ecdsa-p256.pub"), fx.key("ed25519.pub")])],
            "keyless.example/app": [sigstore_signed(match("matchRepository"), fulcio={
                "caPath": "/ca.pem", "oidcIssuer": "https://issuer.example", "subjectEmail": "dev@example.com"},
                rekorPublicKeyPath="/rekor.pub")],
        },
        "dir": {"": [ACCEPT]},
    })


def table_checks(args, policy_path, fx):
    result = show(args, "--policy", policy_path, "--registries.d", args.registries_d)
    problems = [] if result.returncode == 0 else ["exit %d: %s" % (result.returncode, result.stderr)]
    lines = result.stdout.splitlines()
    want = [
        ("TRANSPORT", "SCOPE", "TYPE", "KEYS", "IDENTITY", "LOOKASIDE"),
        ("all", "default", "reject", "-", "-", "https://default.example/sigs"),
        ("dir", "*", "accept", "-", "-", "-"),
        ("docker", "keyless.example/app", "sigstoreSigned", "fulcio CA /ca.pem, rekor key /rekor.pub",
         "matchRepository, oidcIssuer=https://issuer.example, subjectEmail=dev@example.com", "https://default.example/sigs"),
        ("docker", "quay.example", "sigstoreSigned", fx.key("ecdsa-p256.pub") + ", " + fx.key("ed25519.pub"),
         "exactRepository quay.example/app", "https://default.example/sigs"),
        ("docker", "registry.example.com/team/app", "signed", fx.key("gpg-trusted.gpg"),
         "exactReference registry.example.com/team/app:v1", "https://team.example/sigs"),
    ]
    if len(lines) != len(want):
        problems.append("%d lines, want %d: %r" % (len(lines), len(want), result.stdout))
    for line, row in zip(lines, want):
        # columns are separated by two or more spaces; values themselves hold single spaces
        cells = tuple(cell.strip() for cell in re.split(r"\s{2,}", line.strip()))
        if cells != row:
            problems.append("row %r, want %r" % (cells, row))
    no_heading = show(args, "--policy", policy_path, "--registries.d", args.registries_d, "--noheading")
    def cells_of(text):
        return [re.split(r"\s{2,}", line.strip()) for line in text.splitlines()]
    if cells_of(no_heading.stdout) != cells_of(result.stdout)[1:]:
        problems.append("--noheading does not drop exactly the heading: %r" % no_heading.stdout)
    return problems, "exit %d" % result.returncode


def json_checks(args, policy_path, fx):
    result = show(args, "--policy", policy_path, "--registries.d", args.registries_d, "--json")
    try:
        document = json.loads(result.stdout)
    except ValueError:
        return ["not JSON (exit %d): %r %r" % (result.returncode, result.stdout, result.stderr)], "no JSON"
    problems = [] if result.returncode == 0 else ["exit %d" % result.returncode]
    if document.get("policy") != policy_path:
        problems.append("policy %r, want %s" % (document.get("policy"), policy_path))
    scopes = document.get("scopes", [])
    names = [(s.get("transport"), s.get("scope"), s.get("default")) for s in scopes]
    want_names = [("", "default", True), ("dir", "", False), ("docker", "keyless.example/app", False),
                  ("docker", "quay.example", False), ("docker", "registry.example.com/team/app", False)]
    if names != want_names:
        problems.append("scopes %r, want %r" % (names, want_names))
        return problems, "scopes differ"
    team = scopes[4]
    if (team["lookaside"], team["lookasideSource"]) != ("https://team.example/sigs", "docker namespace registry.example.com/team"):
        problems.append("team lookaside %r" % team)
    requirement = team["requirements"][0]
    want_requirement = {"type": "signedBy", "description": "signed", "keyType": "GPGKeys",
                        "keys": [fx.key("gpg-trusted.gpg")], "identity": "exactReference registry.example.com/team/app:v1",
                        "certificateIdentity": []}
    if requirement != want_requirement:
        problems.append("requirement %r, want %r" % (requirement, want_requirement))
    keyless = scopes[2]["requirements"][0]
    if keyless["certificateIdentity"] != ["oidcIssuer=https://issuer.example", "subjectEmail=dev@example.com"]:
        problems.append("keyless certificateIdentity %r" % keyless["certificateIdentity"])
    if scopes[1]["requirements"][0]["description"] != "accept" or scopes[1]["lookaside"] != "":
        problems.append("dir scope %r" % scopes[1])
    return problems, "exit %d" % result.returncode


def raw_check(args, policy_path):
    result = show(args, "--policy", policy_path, "--raw")
    with open(policy_path, encoding="utf-8") as f:
        content = f.read()
    problems = [] if result.returncode == 0 and result.stdout == content + "\n" else [
        "exit %d, stdout %r" % (result.returncode, result.stdout[:200])]
    return problems, "exit %d" % result.returncode


def discovery_check(args, policy_path):
    """Without --policy, CONTAINERS_POLICY_JSON names the file (as verify finds it)."""
    result = show(args, "--json", "--registries.d", args.registries_d, env={"CONTAINERS_POLICY_JSON": policy_path})
    try:
        found = json.loads(result.stdout).get("policy")
    except ValueError:
        found = None
    problems = [] if result.returncode == 0 and found == policy_path else [
        "exit %d, policy %r: %s" % (result.returncode, found, result.stderr)]
    return problems, "exit %d" % result.returncode


def exit2_check(args, options, reason):
    def run():
        result = show(args, *options)
        problems = []
        if result.returncode != 2:
            problems.append("exit %d, want 2" % result.returncode)
        if reason not in result.stderr:
            problems.append("stderr %r does not say %r" % (result.stderr, reason))
        if result.stdout:
            problems.append("printed %r" % result.stdout[:200])
        return problems, "exit %d" % result.returncode
    return run


def main():
    args = common.parse_arguments(__doc__)
    args.imgtrust = os.path.abspath(args.imgtrust)
    fx = common.Fixtures(args.fixtures)
    scratch = common.make_workdir()
    try:
        args.registries_d = os.path.join(scratch, "registries.d")
        os.mkdir(args.registries_d)
        with open(os.path.join(args.registries_d, "sigs.yaml"), "w") as f:
            f.write(REGISTRIES_D)
        good = common.write_policy(scratch, "good", the_policy(fx))
        unknown_type = common.write_policy(scratch, "unknown-type", policy({"type": "signedByMagic"}))
        no_default = common.write_policy(scratch, "no-default", {"transports": {}})
        checks = [
            ("table", lambda: table_checks(args, good, fx)),
            ("json", lambda: json_checks(args, good, fx)),
            ("raw", lambda: raw_check(args, good)),
            ("raw/invalid-policy-printed-as-is", lambda: raw_check(args, unknown_type)),
            ("discovery/CONTAINERS_POLICY_JSON", lambda: discovery_check(args, good)),
            ("invalid/unknown-type", exit2_check(args, ["--policy", unknown_type], "signedByMagic")),
            ("invalid/unknown-type/json", exit2_check(args, ["--policy", unknown_type, "--json"], "signedByMagic")),
            ("invalid/no-default", exit2_check(args, ["--policy", no_default], "default")),
            ("invalid/missing-file", exit2_check(args, ["--policy", os.path.join(scratch, "absent.json")], "absent.json")),
            ("invalid/json-and-raw", exit2_check(args, ["--policy", good, "--json", "--raw"], "--raw")),
        ]
        common.run_checks("policy-show", checks, args.verbose, word="pass")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
