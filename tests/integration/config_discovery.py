#!/usr/bin/python3
"""CLI checks for configuration discovery as c/image v5.40 does it (issue 17):
policy.json (--policy, CONTAINERS_POLICY_JSON, user, /etc, /usr/share; the
not-found error lists every path; --debug says which file and why),
registries.d drop-ins across roots (masking, rootful/rootless directories,
duplicates naming both files, --registries.d alone) and --tls-details refusals.

Every run gets HOME, XDG_CONFIG_HOME and IMGTRUST_CONFIG_ROOT inside a
temporary directory: the machine's /etc and the user's files are never read.
docker:// images point at a closed loopback port (registries.d is read before
any connection; the fetch then fails, exit 3). Prints "N/M pass".

Usage: config_discovery.py --imgtrust BIN --fixtures tests/fixtures
"""
import json
import os

import suite_common as common
from suite_common import ACCEPT, REJECT, policy

CLOSED_PORT_IMAGE = "docker://127.0.0.1:9/ns/app:v1"  # port 9 (discard): nothing listens on loopback
NO_NETWORK = ["--tls-verify=false", "--retry-times", "0", "--timeout", "10s"]


class Root:
    """A scratch configuration root: <dir>/etc, <dir>/usr/share, <dir>/xdg, <dir>/home."""

    def __init__(self, workdir, name):
        self.path = os.path.join(workdir, name)
        os.makedirs(os.path.join(self.path, "home"))

    def write(self, relative, contents):
        path = os.path.join(self.path, relative)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as out:
            out.write(contents if isinstance(contents, str) else json.dumps(contents))
        return path

    def env(self, **extra):
        environment = {k: v for k, v in os.environ.items()
                       if k not in ("CONTAINERS_POLICY_JSON", "_CONTAINERS_ROOTLESS_UID", "REGISTRY_AUTH_FILE")}
        environment.update(HOME=os.path.join(self.path, "home"), XDG_CONFIG_HOME=os.path.join(self.path, "xdg"),
                           XDG_RUNTIME_DIR=os.path.join(self.path, "home"), IMGTRUST_CONFIG_ROOT=self.path)
        environment.update(extra)
        return environment


class Checks(common.CommandChecks):
    def expect(self, name, arguments, env, want_exit, stderr_has=(), stderr_lacks=()):
        self.total += 1
        code, out, err = self.run(arguments, env)
        problems = [] if code == want_exit else ["exit %d, want %d" % (code, want_exit)]
        problems += ["stderr lacks %r" % text for text in stderr_has if text not in err]
        problems += ["stderr has %r" % text for text in stderr_lacks if text in err]
        if problems:
            self.failures.append("%s: %s; stderr %r" % (name, "; ".join(problems), err[-600:]))
        return out, err


def policy_checks(checks, fixtures, workdir):
    unsigned = "dir:" + fixtures.image("unsigned")
    verify = ["verify", "--debug", unsigned]
    root = Root(workdir, "policy-empty")
    user, admin, vendor = (os.path.join(root.path, "xdg/containers/policy.json"),
                           os.path.join(root.path, "etc/containers/policy.json"),
                           os.path.join(root.path, "usr/share/containers/policy.json"))
    checks.expect("policy/none: exit 2 listing every path searched", verify, root.env(), 2,
                  ['no policy.json file found; searched paths: ["%s" "%s" "%s"]' % (user, admin, vendor)])

    root = Root(workdir, "policy-vendor")
    root.write("usr/share/containers/policy.json", policy(ACCEPT))
    checks.expect("policy/vendor only", verify, root.env(), 0,
                  ["Using policy file %s/usr/share/containers/policy.json (the vendor policy file; not found: "
                   % root.path])
    root.write("etc/containers/policy.json", policy(REJECT))
    checks.expect("policy/admin over vendor", verify, root.env(), 1,
                  ["Using policy file %s/etc/containers/policy.json (the admin policy file" % root.path])
    user_file = root.write("xdg/containers/policy.json", policy(ACCEPT))
    checks.expect("policy/XDG_CONFIG_HOME user file first", verify, root.env(), 0,
                  ["Using policy file %s (the per-user policy file)" % user_file])
    home_file = root.write("home/.config/containers/policy.json", policy(REJECT))
    env = root.env()
    del env["XDG_CONFIG_HOME"]
    checks.expect("policy/~/.config without XDG_CONFIG_HOME", verify, env, 1, ["Using policy file %s" % home_file])

    env_file = root.write("elsewhere/p.json", policy(REJECT))
    checks.expect("policy/CONTAINERS_POLICY_JSON over every file", verify,
                  root.env(CONTAINERS_POLICY_JSON=env_file), 1,
                  ["Using policy file %s (named by CONTAINERS_POLICY_JSON)" % env_file])
    missing = os.path.join(root.path, "missing.json")
    checks.expect("policy/CONTAINERS_POLICY_JSON missing: exit 2, no fallback", verify,
                  root.env(CONTAINERS_POLICY_JSON=missing), 2, [missing, "no such file or directory"])
    checks.expect("policy/--policy over CONTAINERS_POLICY_JSON", ["verify", "--debug", "--policy", user_file, unsigned],
                  root.env(CONTAINERS_POLICY_JSON=env_file), 0, ["(given by --policy)"])
    out, _ = checks.expect("policy/JSON report names the file", ["verify", "--output", "json", unsigned],
                           root.env(CONTAINERS_POLICY_JSON=env_file), 1)
    checks.total += 1
    reported = (json.loads(out or "{}").get("images") or [{}])[0].get("policy")
    if reported != env_file:
        checks.failures.append("policy/JSON report names the file: %r, want %r" % (reported, env_file))


def lookaside(scope, url):
    return "docker:\n  %s:\n    lookaside: %s\n" % (scope, url)


def registries_d_checks(checks, workdir):
    verify = ["verify", "--debug"] + NO_NETWORK + [CLOSED_PORT_IMAGE]
    root = Root(workdir, "registries")
    root.write("etc/containers/policy.json", policy(ACCEPT))
    admin = root.write("etc/containers/registries.d/10-a.yaml", lookaside("127.0.0.1:9/ns", "file:///admin"))
    vendor_masked = root.write("usr/share/containers/registries.d/10-a.yaml", lookaside("127.0.0.1:9/ns", "file:///v"))
    vendor = root.write("usr/share/containers/registries.d/20-b.yaml", lookaside("other.example", "file:///other"))
    checks.expect("registries.d/admin masks the same-named vendor file; name order", verify, root.env(), 3,
                  ["registries.d files %s, %s (searched: " % (admin, vendor), "Using lookaside file:///admin for 127.0.0.1:9/ns/app:v1"],
                  [vendor_masked + ","])

    duplicate = root.write("xdg/containers/registries.d/30-c.yaml", lookaside("127.0.0.1:9/ns", "file:///user"))
    checks.expect("registries.d/a scope in two files: exit 2 naming both", verify, root.env(), 2,
                  ['"docker" namespace "127.0.0.1:9/ns" defined both in "%s" and "%s"' % (admin, duplicate)])
    explicit = os.path.join(root.path, "explicit")
    os.makedirs(explicit)
    checks.expect("registries.d/--registries.d reads only its directory",
                  ["verify", "--debug", "--registries.d", explicit] + NO_NETWORK + [CLOSED_PORT_IMAGE], root.env(), 3,
                  ["registries.d: no file (searched: %s)" % explicit], ["defined both"])
    os.remove(duplicate)

    rootful = root.write("etc/containers/registries.rootful.d/05-r.yaml", lookaside("rootful.example", "file:///r"))
    rootless = root.write("etc/containers/registries.rootless.d/1000/05-l.yaml", lookaside("rootless.example", "file:///l"))
    checks.expect("registries.d/rootful directory for uid 0", verify, root.env(_CONTAINERS_ROOTLESS_UID="0"), 3,
                  [rootful], [rootless])
    checks.expect("registries.d/rootless uid directory for uid 1000", verify,
                  root.env(_CONTAINERS_ROOTLESS_UID="1000"), 3, [rootless, "registries.rootless.d/1000"], [rootful])


def tls_details_checks(checks, fixtures, workdir):
    root = Root(workdir, "tls")
    root.write("etc/containers/policy.json", policy(ACCEPT))
    image_list = root.write("images.txt", CLOSED_PORT_IMAGE[len("docker://"):] + "\n")
    cases = [("unknown version", 'minVersion: "1.4"\n', 'unrecognized TLS minimum version "1.4"'),
             ("unknown suite", "cipherSuites: [TLS_NOT_A_SUITE]\n", 'unrecognized TLS cipher suite "TLS_NOT_A_SUITE"'),
             ("unknown group", "namedGroups: [P-256]\n", 'unrecognized TLS named group "P-256"'),
             ("unsupported by OpenSSL", "cipherSuites: [TLS_RSA_WITH_RC4_128_SHA]\n", "not supported by the OpenSSL"),
             ("unknown field", "minversion: \"1.2\"\n", "field minversion not found")]
    for name, text, message in cases:
        path = root.write("tls-%s.yaml" % name.replace(" ", "-"), text)
        checks.expect("tls-details/verify: %s is exit 2" % name,
                      ["verify", "--tls-details", path] + NO_NETWORK + [CLOSED_PORT_IMAGE], root.env(), 2,
                      [message, path])
        checks.expect("tls-details/validate: %s is exit 2" % name,
                      ["validate", "-f", image_list, "--policy", os.path.join(root.path, "etc/containers/policy.json"),
                       "--tls-details", path, "-r", os.path.join(root.path, "report.json"), "-o",
                       os.path.join(root.path, "failed.txt"), "-y"], root.env(), 2, [message])
    checks.expect("tls-details/missing file is exit 2",
                  ["verify", "--tls-details", os.path.join(root.path, "absent.yaml")] + NO_NETWORK + [CLOSED_PORT_IMAGE],
                  root.env(), 2, ["absent.yaml"])
    good = root.write("tls-good.yaml", 'minVersion: "1.2"\n')
    checks.expect("tls-details/valid file: --debug says what applies, then the fetch fails (exit 3)",
                  ["verify", "--debug", "--tls-details", good] + NO_NETWORK + [CLOSED_PORT_IMAGE], root.env(), 3,
                  ["TLS details from %s: minimum version 1.2" % good])
    for command in ("verify", "validate"):
        out, _ = checks.expect("tls-details/%s --help" % command, [command, "--help"], root.env(), 0)
        checks.total += 1
        if "--tls-details" not in out:
            checks.failures.append("tls-details/%s --help does not list --tls-details" % command)


def add_checks(checks, _args, fixtures, workdir):
    policy_checks(checks, fixtures, workdir)
    registries_d_checks(checks, workdir)
    tls_details_checks(checks, fixtures, workdir)


def main():
    common.run_command_suite(__doc__.splitlines()[0], "config discovery", Checks, add_checks)


if __name__ == "__main__":
    main()
