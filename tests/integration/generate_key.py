#!/usr/bin/python3
"""imgtrust generate-key against an independent reader: the encrypted key is
decrypted with python3-cryptography (scrypt) and python3-nacl (secretbox) by
tests/fixtures/tools/cosign_encrypted_key.py, its public key must equal P.pub,
and a signature made with it by python3-cryptography verifies under P.pub with
the openssl CLI. Also: file modes, the refusal to overwrite, --force, and the
password sources (COSIGN_PASSWORD, none and no terminal: exit 2). A few seconds."""
import os
import pty
import select
import signal
import stat
import subprocess
import termios
import sys
import tempfile

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from suite_common import parse_arguments  # noqa: E402

failures = []
checked = []


def check(name, condition, detail=""):
    checked.append(name)
    if not condition:
        failures.append(name)
        print("FAIL %s %s" % (name, detail))


def generate(imgtrust, prefix, password, *extra):
    env = dict(os.environ)
    env.pop("COSIGN_PASSWORD", None)
    if password is not None:
        env["COSIGN_PASSWORD"] = password
    # A new session has no controlling terminal, as in CI: the prompt cannot be used.
    return subprocess.run([imgtrust, "generate-key", "--output-key-prefix", prefix, *extra], env=env, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, start_new_session=True)


def generate_on_terminal(imgtrust, prefix, answers):
    """Runs generate-key on a pseudo-terminal (its controlling terminal) with no
    COSIGN_PASSWORD, answering each password prompt; returns (exit code, all
    the terminal showed)."""
    env = dict(os.environ)
    env.pop("COSIGN_PASSWORD", None)
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(imgtrust, [imgtrust, "generate-key", "--output-key-prefix", prefix], env)
    shown, pending = b"", list(answers)
    while True:
        if not select.select([fd], [], [], 30)[0]:  # a prompt that never comes: stop the child we started
            os.kill(pid, signal.SIGKILL)
            shown += b"\n(no output for 30 s: killed)"
            break
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        shown += chunk
        if pending and shown.count(b"password for private key") > len(answers) - len(pending):
            os.write(fd, pending.pop(0).encode() + b"\n")
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), shown.decode(errors="replace")


def interrupt_at_prompt(imgtrust, prefix):
    """Ctrl-C at the password prompt: (echo off while prompting, echo back on
    after the child died, how it ended)."""
    env = dict(os.environ)
    env.pop("COSIGN_PASSWORD", None)
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(imgtrust, [imgtrust, "generate-key", "--output-key-prefix", prefix], env)
    shown = b""
    while b"Enter password" not in shown and select.select([fd], [], [], 30)[0]:
        shown += os.read(fd, 4096)
    echo_while_prompting = bool(termios.tcgetattr(fd)[3] & termios.ECHO)
    os.write(fd, b"\x03")  # the terminal's INTR character: SIGINT to the child
    _, status = os.waitpid(pid, 0)
    echo_after = bool(termios.tcgetattr(fd)[3] & termios.ECHO)
    os.close(fd)
    return echo_while_prompting, echo_after, os.waitstatus_to_exitcode(status)


def main():
    args = parse_arguments(__doc__)
    args.imgtrust = os.path.abspath(args.imgtrust)
    sys.path.insert(0, os.path.join(os.path.realpath(args.fixtures), "tools"))
    from cosign_encrypted_key import decrypt_key_pem
    with tempfile.TemporaryDirectory(prefix="imgtrust-generate-key-") as work:
        prefix = os.path.join(work, "release")
        result = generate(args.imgtrust, prefix, "correct horse")
        check("generate exits 0", result.returncode == 0, result.stderr)
        check("key mode 0600", stat.S_IMODE(os.stat(prefix + ".key").st_mode) == 0o600)
        private_pem, public_pem = open(prefix + ".key").read(), open(prefix + ".pub").read()
        kind, envelope, private_key = decrypt_key_pem(private_pem, b"correct horse")
        check("PEM type", kind == "ENCRYPTED SIGSTORE PRIVATE KEY", kind)
        check("scrypt parameters as cosign", envelope["kdf"]["params"] == {"N": 65536, "r": 8, "p": 1}, envelope["kdf"])
        check("ECDSA P-256", isinstance(private_key, ec.EllipticCurvePrivateKey) and private_key.curve.name == "secp256r1")
        derived = private_key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        check("public key matches P.pub", derived.decode() == public_pem)
        payload = os.path.join(work, "payload")
        signature = os.path.join(work, "signature")
        open(payload, "wb").write(b"signed by python, verified by openssl")
        open(signature, "wb").write(private_key.sign(open(payload, "rb").read(), ec.ECDSA(hashes.SHA256())))
        verified = subprocess.run(["openssl", "dgst", "-sha256", "-verify", prefix + ".pub", "-signature", signature, payload],
                                  capture_output=True)
        check("openssl verifies under P.pub", verified.returncode == 0, verified.stderr)
        try:
            decrypt_key_pem(private_pem, b"wrong")
            rejected = False
        except Exception:  # nacl.exceptions.CryptoError
            rejected = True
        check("wrong password fails in the independent reader", rejected)

        again = generate(args.imgtrust, prefix, "other")
        check("refuses to overwrite", again.returncode == 2 and "already exists" in again.stderr, again.stderr)
        check("left the old key", open(prefix + ".key").read() == private_pem)
        forced = generate(args.imgtrust, prefix, "", "--force")
        check("--force overwrites", forced.returncode == 0 and open(prefix + ".pub").read() != public_pem, forced.stderr)
        check("empty COSIGN_PASSWORD is a password", decrypt_key_pem(open(prefix + ".key").read(), b"")[0] != "")
        check("still 0600 after --force", stat.S_IMODE(os.stat(prefix + ".key").st_mode) == 0o600)

        silent = generate(args.imgtrust, os.path.join(work, "nopass"), None)
        check("no password source is exit 2", silent.returncode == 2 and "COSIGN_PASSWORD" in silent.stderr, silent.stderr)
        check("nothing written without a password", not os.path.exists(os.path.join(work, "nopass.key")))
        code, shown = generate_on_terminal(args.imgtrust, os.path.join(work, "tty"), ["typed secret", "typed secret"])
        check("terminal prompt twice, exit 0", code == 0 and shown.count("Enter password") == 2, shown)
        check("the password is never echoed", "typed secret" not in shown, shown)
        check("the prompted password encrypts the key",
              decrypt_key_pem(open(os.path.join(work, "tty.key")).read(), b"typed secret")[0] == "ENCRYPTED SIGSTORE PRIVATE KEY")
        code, shown = generate_on_terminal(args.imgtrust, os.path.join(work, "differ"), ["one", "two"])
        check("different passwords: exit 2", code == 2 and "do not match" in shown, shown)
        check("nothing written when they differ", not os.path.exists(os.path.join(work, "differ.key")))
        echo_while, echo_after, code = interrupt_at_prompt(args.imgtrust, os.path.join(work, "interrupted"))
        check("echo is off at the prompt", not echo_while)
        check("Ctrl-C at the prompt restores echo and ends by SIGINT", echo_after and code == -signal.SIGINT, (echo_after, code))
        default = subprocess.run([args.imgtrust, "generate-key"], cwd=work, env=dict(os.environ, COSIGN_PASSWORD="x"),
                                 capture_output=True, text=True, start_new_session=True)
        check("default prefix cosign", default.returncode == 0 and os.path.exists(os.path.join(work, "cosign.pub")), default.stderr)
    print("%d/%d pass" % (len(checked) - len(failures), len(checked)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
