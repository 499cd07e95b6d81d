"""serve --stdio checks of preloaded_and_serve.py: one process per conversation,
requests written as lines, responses read as lines (each must be one JSON
object echoing the request's id), then how the process ends."""
import base64
import json
import os
import signal
import subprocess

APP_V1 = "registry.example.com/app:v1"
IDENTITY = "docker://" + APP_V1


def b64(data):
    return base64.b64encode(data).decode()


def converse(suite, policy_name, lines, close_stdin=True, extra=()):
    """Starts serve --stdio, writes every line, reads one response per line.
    Returns (responses, process); the process has ended when close_stdin."""
    command = [suite.binary, "serve", "--stdio", "--policy", suite.policies[policy_name],
               "--registries.d", suite.registries_d] + list(extra)
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    responses = []
    try:
        for line in lines:
            process.stdin.write(line if isinstance(line, bytes) else line.encode())
            process.stdin.write(b"\n")
            process.stdin.flush()
            responses.append(process.stdout.readline().decode())
        if close_stdin:
            process.stdin.close()
            process.wait(timeout=30)
    except (BrokenPipeError, subprocess.TimeoutExpired):
        process.kill()
        process.wait()
    return responses, process


def decode(response):
    try:
        value = json.loads(response)
    except ValueError:
        return None
    return value if isinstance(value, dict) and response.endswith("\n") and response.count("\n") == 1 else None


def preloaded_request(suite, request_id, image, signatures=("signature-1",), manifest=None):
    return json.dumps({"id": request_id, "method": "verify-preloaded", "identity": IDENTITY,
                       "manifest": b64(manifest if manifest is not None else suite_read(suite, image, "manifest.json")),
                       "signatures": [b64(suite_read(suite, image, name)) for name in signatures]})


def suite_read(suite, image, name):
    with open(suite.image_file(image, name), "rb") as f:
        return f.read()


def expect(problems, response, request_id, key, test):
    """One response: a JSON object on one line, id echoed, `key` present and test(value) true."""
    value = decode(response)
    if value is None:
        problems.append("not one JSON object line: %r" % response[:200])
        return
    if value.get("id") != request_id or "id" not in value:
        problems.append("id %r, want %r" % (value.get("id"), request_id))
    if key not in value or not test(value[key]):
        problems.append("response %s" % response[:300])


def conversation(suite):
    """Several requests in one process, good and malformed, answered in order."""
    fx_image = suite.fx.image
    tampered = suite_read(suite, "gpg-valid-app-v1", "manifest.json") + b" "
    plan = [
        (preloaded_request(suite, "a", "gpg-valid-app-v1"), "a", "result", lambda r: r["allowed"] is True),
        (preloaded_request(suite, 2, "gpg-valid-app-v1", manifest=tampered), 2, "result",
         lambda r: r["allowed"] is False and r["requirements"][0]["signatures"][0]["rejectionKind"] == "digest-mismatch"),
        (json.dumps({"id": 3, "method": "verify", "image": "dir:" + fx_image("gpg-valid-app-v1")}), 3, "result",
         lambda r: r["allowed"] is True and r["image"].startswith("dir:")),
        (json.dumps({"id": 4, "method": "verify", "image": "oci:" + fx_image("oci-unsigned") + ":v1"}), 4, "result",
         lambda r: r["allowed"] is True),
        ("this is not JSON", None, "error", lambda e: e["kind"] == "usage" and "JSON" in e["message"]),
        (json.dumps({"id": 6, "method": "launch"}), 6, "error", lambda e: e["kind"] == "usage" and "launch" in e["message"]),
        (json.dumps({"id": [7], "method": "shutdown"}), None, "error", lambda e: e["kind"] == "usage"),
        (json.dumps({"id": 8, "method": "verify", "image": "dir:/nonexistent-imgtrust"}), 8, "error",
         lambda e: e["kind"] == "not-found"),
        (json.dumps({"id": 9, "method": "verify-preloaded", "identity": IDENTITY, "manifest": "%%%"}), 9, "error",
         lambda e: e["kind"] == "usage" and "base64" in e["message"]),
        (json.dumps({"id": 10, "method": "verify", "image": "dir:/x", "extra": 1}), 10, "error",
         lambda e: e["kind"] == "usage" and "extra" in e["message"]),
        (json.dumps({"id": 11, "method": "verify-preloaded", "identity": IDENTITY, "manifest": b64(b"{}"),
                     "signatures": [b64(b"garbage")]}), 11, "error", lambda e: e["kind"] == "usage"),
        (b"x" * (16 * 1024 * 1024 + 10), None, "error", lambda e: e["kind"] == "usage" and "longer than" in e["message"]),
        (json.dumps({"id": None, "method": "verify", "image": "docker://Bad//Ref"}), None, "error",
         lambda e: e["kind"] == "config"),
        (preloaded_request(suite, 14.5, "gpg-valid-app-v1"), 14.5, "result", lambda r: r["allowed"] is True),
        (json.dumps({"id": "end", "method": "shutdown"}), "end", "result", lambda r: r == {"shutdown": True}),
    ]
    responses, process = converse(suite, "gpg", [line for line, _, _, _ in plan], close_stdin=False)
    problems = []
    for (line, request_id, key, test), response in zip(plan, responses):
        expect(problems, response, request_id, key, test)
    try:
        code = process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        code = process.wait()
    if code != 0:
        problems.append("exit %d after shutdown, want 0" % code)
    return problems, "%d responses" % len(responses)


def same_as_cli(suite):
    """verify-preloaded's result is the image object of verify --manifest --output json."""
    responses, process = converse(suite, "sigstore", [preloaded_request(suite, 1, "sigstore-ecdsa-p256-app-v1")])
    cli = suite.verify("sigstore", suite.preloaded_arguments("sigstore-ecdsa-p256-app-v1") + ["-o", "json"])
    problems = []
    try:
        served = json.loads(responses[0])["result"]
        printed = json.loads(cli.stdout)["images"][0]
    except (ValueError, KeyError, IndexError) as error:
        return ["no result (%s): %r | %s" % (error, responses, cli.text())], ""
    if served != printed:
        problems.append("serve %s != verify %s" % (served, printed))
    if process.returncode != 0:
        problems.append("exit %d at EOF, want 0" % process.returncode)
    return problems, "allowed=%s" % served.get("allowed")


def ends_on_sigterm(suite):
    responses, process = converse(suite, "gpg", [json.dumps({"id": 1, "method": "verify", "image": "dir:/nonexistent"})],
                                  close_stdin=False)
    process.send_signal(signal.SIGTERM)
    try:
        code = process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        return ["still running 30 s after SIGTERM"], ""
    stderr = process.stderr.read().decode()
    problems = [] if code == 128 + signal.SIGTERM else ["exit %d after SIGTERM, want 143" % code]
    if "Interrupted by SIGTERM" not in stderr:
        problems.append("stderr does not say it was interrupted: %r" % stderr)
    return problems, "exit %d" % code


def validate_lines(suite):
    """validate checks one image-list line as imgtrust validate does and answers with its report entry."""
    lines = [json.dumps({"id": "v1", "method": "validate", "line": "not//a reference"}),
             json.dumps({"id": "v2", "method": "validate", "line": "127.0.0.1:1/app:v1"}),
             json.dumps({"id": "v3", "method": "validate"})]
    responses, process = converse(suite, "gpg", lines, extra=["--retry-times", "0"])
    problems = []
    expect(problems, responses[0] if responses else "", "v1", "result",
           lambda r: r["status"] == "invalid-reference" and r["passed"] is False and r["input"] == "not//a reference")
    expect(problems, responses[1] if len(responses) > 1 else "", "v2", "result",
           lambda r: r["status"] == "fetch-error" and r["reference"] == "docker://127.0.0.1:1/app:v1")
    expect(problems, responses[2] if len(responses) > 2 else "", "v3", "error",
           lambda e: e["kind"] == "usage" and "\"line\" is required" in e["message"])
    if process.returncode != 0:
        problems.append("exit %d at EOF, want 0" % process.returncode)
    return problems, "%d responses" % len(responses)


def add_serve_checks(suite):
    suite.add("serve conversation (ids, malformed lines, shutdown)", lambda: conversation(suite))
    suite.add("serve verify-preloaded equals verify --manifest", lambda: same_as_cli(suite))
    suite.add("serve ends on SIGTERM", lambda: ends_on_sigterm(suite))
    suite.add("serve validate (one list line)", lambda: validate_lines(suite))
