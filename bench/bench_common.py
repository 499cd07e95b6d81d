"""Shared pieces of the benchmarks in bench/: the machine and build they report,
the loopback docker-registry they run against, the image lists they hand to the
clients, and the registry's access-log lines counted by kind."""
import contextlib
import json
import os
import platform
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration", "registry"))
import harness  # noqa: E402


def build_type(binary):
    """The meson buildtype of the build directory holding `binary`, or "unknown"."""
    directory = os.path.dirname(os.path.abspath(binary))
    while directory != os.path.dirname(directory):
        options = os.path.join(directory, "meson-info", "intro-buildoptions.json")
        if os.path.exists(options):
            with open(options) as source:
                for option in json.load(source):
                    if option.get("name") == "buildtype":
                        return option.get("value", "unknown")
            return "unknown"
        directory = os.path.dirname(directory)
    return "unknown"


def machine():
    model = "unknown CPU"
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return "%s, %d cores, %.0f GiB RAM, %s %s" % (model, os.cpu_count(), memory, platform.system(), platform.release())


def print_machine_and_build(imgtrust, advice=""):
    """Prints the machine and imgtrust's buildtype, with a warning (and ADVICE) when it is not optimised."""
    print("machine: " + machine())
    kind = build_type(imgtrust)
    print("imgtrust build: buildtype=%s (%s)" % (kind, imgtrust))
    if kind not in ("release", "debugoptimized"):
        print("WARNING: not an optimised build; figures from it say little." + advice, flush=True)


@contextlib.contextmanager
def registry_workdir(prefix):
    """(workdir, registry): a scratch directory and a ready plain-HTTP docker-registry
    on 127.0.0.1 in it; on leaving, the registry is stopped by its PID and the
    directory removed."""
    workdir = harness.make_workdir(prefix)
    registry = None
    try:
        registry = harness.Registry(workdir, "plain")
        harness.wait_registry_ready(registry)
        yield workdir, registry
    finally:
        if registry:
            registry.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def write_list(path, names, host=None):
    """Writes one image a line: "host/name" with HOST, the bare name without; returns PATH."""
    with open(path, "w") as out:
        out.write("".join(("%s/%s\n" % (host, name)) if host else name + "\n" for name in names))
    return path


def request_kinds(lines, kinds):
    """{kind: count} of access-log request lines; KINDS is ((kind, compiled pattern), ...),
    the first matching kind wins, "other" when none does."""
    counts = {}
    for line in lines:
        kind = next((name for name, pattern in kinds if pattern.search(line)), "other")
        counts[kind] = counts.get(kind, 0) + 1
    return counts
