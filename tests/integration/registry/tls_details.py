#!/usr/bin/python3
"""--tls-details suite (containers-tls-details.yaml(5), issue 17): imgtrust verify
against loopback HTTPS registries whose TLS is restricted, with and without a
TLS details file. A handshake the settings forbid is a fetch error (exit 3);
the same image through allowed settings is accepted (exit 0); an invalid file
is exit 2 before any connection.

The servers are fault_server.py's handler (path ok/app:v1: the unsigned fixture
manifest) behind Python's ssl module, run by this script with --serve:
  tls12: TLS 1.2 only, ECDHE-ECDSA-AES256-GCM-SHA384 only, group P-256 only
  tls13: TLS 1.3 only
Each is stopped by its PID. HOME, XDG_CONFIG_HOME and IMGTRUST_CONFIG_ROOT
point into the scratch directory. Prints "N/M pass".

Usage: tls_details.py --imgtrust BIN [--filter TEXT] [--verbose]
"""
import argparse
import collections
import os
import shutil
import ssl
import sys
from http.server import ThreadingHTTPServer

import harness
import registry_common as rc

common = rc.common
Case = collections.namedtuple("Case", "name server details exit words")
ACCEPT_ALL = common.policy(common.ACCEPT)


def cases():
    no_file = None
    return [
        Case("tls12/no file: accepted", "tls12", no_file, 0, []),
        Case("tls12/minVersion 1.3: fetch error", "tls12", 'minVersion: "1.3"\n', 3, []),
        Case("tls12/minVersion 1.2: accepted", "tls12", 'minVersion: "1.2"\n', 0, []),
        Case("tls12/only a suite the server lacks: fetch error", "tls12",
             "cipherSuites: [TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256]\n", 3, []),
        Case("tls12/the server's suite: accepted", "tls12",
             "cipherSuites: [TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, TLS_AES_128_GCM_SHA256]\n", 0, []),
        Case("tls12/empty suite list (TLS 1.3 only): fetch error", "tls12", "cipherSuites: []\n", 3, []),
        Case("tls12/only a group the server lacks: fetch error", "tls12", "namedGroups: [secp384r1]\n", 3, []),
        Case("tls12/the server's group: accepted", "tls12", "namedGroups: [secp256r1, x25519]\n", 0, []),
        Case("tls13/no file: accepted", "tls13", no_file, 0, []),
        Case("tls13/minVersion 1.3: accepted", "tls13", 'minVersion: "1.3"\n', 0, []),
        Case("tls13/empty suite list (TLS 1.3 only): accepted", "tls13", "cipherSuites: []\n", 0, []),
        Case("tls13/one TLS 1.3 suite: accepted", "tls13", "cipherSuites: [TLS_AES_256_GCM_SHA384]\n", 0, []),
        Case("tls13/invalid minVersion: exit 2", "tls13", 'minVersion: "1.4"\n', 2,
             ['unrecognized TLS minimum version "1.4"']),
        Case("tls13/unknown group: exit 2", "tls13", "namedGroups: [secp256k1]\n", 2,
             ['unrecognized TLS named group "secp256k1"']),
    ]


def serve(arguments):
    """--serve: fault_server's handler behind TLS on 127.0.0.1:port until killed."""
    from fault_server import FaultHandler
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(arguments.cert, arguments.key)
    if arguments.mode == "tls12":
        context.minimum_version = context.maximum_version = ssl.TLSVersion.TLSv1_2
        context.set_ciphers("ECDHE-ECDSA-AES256-GCM-SHA384")
        context.set_ecdh_curve("prime256v1")
    else:
        context.minimum_version = context.maximum_version = ssl.TLSVersion.TLSv1_3
    server = ThreadingHTTPServer(("127.0.0.1", arguments.port), FaultHandler)
    server.daemon_threads = True
    server.socket = context.wrap_socket(server.socket, server_side=True)
    server.serve_forever()


def isolated_environment(workdir):
    environment = {k: v for k, v in os.environ.items() if k not in ("CONTAINERS_POLICY_JSON", "REGISTRY_AUTH_FILE")}
    environment.update(HOME=workdir, XDG_RUNTIME_DIR=workdir, XDG_CONFIG_HOME=os.path.join(workdir, "xdg"),
                       IMGTRUST_CONFIG_ROOT=os.path.join(workdir, "root"))
    return environment


def run_case(arguments, workdir, ports, cert_dir, index, case):
    extra = ["--cert-dir", cert_dir, "--retry-times", "0", "--timeout", "20s"]
    if case.details is not None:
        path = os.path.join(workdir, "details-%d.yaml" % index)
        with open(path, "w") as out:
            out.write(case.details)
        extra += ["--tls-details", path]
    policy_path = common.write_policy(workdir, "accept", ACCEPT_ALL)
    image = "docker://127.0.0.1:%d/ok/app:v1" % ports[case.server]
    result = rc.run_imgtrust(arguments.imgtrust, policy_path, image, os.path.join(workdir, "registries.d"), extra,
                             env=isolated_environment(workdir))
    problems = []
    if result.exit_code != case.exit:
        problems.append("exit %d, want %d: %s" % (result.exit_code, case.exit, result.text()[-400:]))
    problems += ["stderr lacks %r: %s" % (word, result.stderr[-300:]) for word in case.words if word not in result.stderr]
    if result.exit_code != 0 and not result.stderr.strip():
        problems.append("a failure with no message on stderr")
    return problems, "exit %d: %s" % (result.exit_code, result.stderr.strip()[-160:])


def start_servers(workdir, pki):
    servers, ports = [], {}
    for mode in ("tls12", "tls13"):
        port = harness.free_port()
        command = [harness.PYTHON, os.path.abspath(__file__), "--serve", "--mode", mode, "--port", str(port),
                   "--cert", pki.server_cert, "--key", pki.server_key]
        server = harness.ChildServer("tls-" + mode, command, port, workdir)
        servers.append(server)
        server.wait_listening()
        ports[mode] = port
    return servers, ports


def main():
    if "--serve" in sys.argv:
        parser = argparse.ArgumentParser()
        for option in ("--mode", "--cert", "--key"):
            parser.add_argument(option, required=True)
        parser.add_argument("--port", type=int, required=True)
        parser.add_argument("--serve", action="store_true")
        return serve(parser.parse_args())
    arguments = rc.parse_arguments(__doc__.splitlines()[0])
    workdir = harness.make_workdir()
    servers = []
    try:
        pki = harness.TestPKI(os.path.join(workdir, "pki"))
        cert_dir = os.path.join(workdir, "certs")
        os.makedirs(cert_dir)
        shutil.copy(pki.ca_cert, os.path.join(cert_dir, "ca.crt"))
        os.makedirs(os.path.join(workdir, "registries.d"))
        servers, ports = start_servers(workdir, pki)
        failures, selected = [], [c for c in cases() if arguments.filter in c.name]
        for index, case in enumerate(selected):
            problems, note = run_case(arguments, workdir, ports, cert_dir, index, case)
            if arguments.verbose or problems:
                print("%-55s %s" % (case.name, note))
            failures += ["%s: %s" % (case.name, problem) for problem in problems]
        common.finish("tls-details", len(selected), failures, "pass")
    finally:
        for server in servers:
            server.stop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
