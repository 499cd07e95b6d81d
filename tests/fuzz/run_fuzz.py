#!/usr/bin/env python3
"""Drives the libFuzzer harnesses of tests/fuzz (built with -Dfuzzing=true).

  run_fuzz.py --build DIR fuzz SECONDS [NAME...]  fuzz each harness for SECONDS on its corpus
  run_fuzz.py --build DIR smoke [SECONDS]          replay every regression input and the deep
                                                   inputs, then fuzz each harness SECONDS (default 3)
  run_fuzz.py --build DIR replay                   only the regression and deep inputs
  run_fuzz.py --build DIR seeds                    (re)build the corpora from the seeds only
  run_fuzz.py sanitizer-env [LOG_DIR]              print the ASAN_OPTIONS/UBSAN_OPTIONS exports

Corpora live in DIR/fuzz/corpus/<name> (seeded from tests/fixtures and tests/fuzz/seeds/<name>,
kept between runs); libFuzzer's artifacts go to DIR/fuzz/findings/<name>. A finding is copied to
tests/fuzz/regressions/<name>/ (commit it with its fix) and makes the run fail.
"""
import argparse
import os
import pathlib
import re
import shlex
import shutil
import subprocess
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import fuzz_inputs  # noqa: E402  (seed collection and the generated deep inputs)

SOURCE_ROOT = pathlib.Path(__file__).resolve().parents[2]
FUZZ_DIR = SOURCE_ROOT / 'tests' / 'fuzz'
SANITIZER_DIR = SOURCE_ROOT / 'tests' / 'sanitizers'
MAX_LEN = 64 * 1024
FUZZ_FLAGS = ['-rss_limit_mb=2048', '-timeout=10', f'-max_len={MAX_LEN}', '-print_final_stats=1']
EXIT_SANITIZER = 86  # what ASan/UBSan exit with, so it differs from every imgtrust exit code


def sanitizer_options(log_dir=None):
    """The ASAN_OPTIONS/UBSAN_OPTIONS of every sanitizer run: any report ends the process with
    EXIT_SANITIZER and a stack trace; UBSan skips only what tests/sanitizers/ubsan.supp lists."""
    common = f'halt_on_error=1:print_stacktrace=1:exitcode={EXIT_SANITIZER}'
    if log_dir:
        common += f':log_path={log_dir}/report'
    asan = f'{common}:detect_leaks=1:abort_on_error=0:detect_stack_use_after_return=0'
    ubsan = f'{common}:suppressions={SANITIZER_DIR / "ubsan.supp"}'
    return {'ASAN_OPTIONS': asan, 'UBSAN_OPTIONS': ubsan}


def harnesses(build):
    names = sorted(p.name for p in (build / 'tests' / 'fuzz').glob('fuzz_*')
                   if p.is_file() and os.access(p, os.X_OK))
    if not names:
        sys.exit(f'no harness in {build}/tests/fuzz: configure it with -Dfuzzing=true and build it')
    return names


def prepare_corpus(build, name):
    corpus = build / 'fuzz' / 'corpus' / name
    corpus.mkdir(parents=True, exist_ok=True)
    for content in fuzz_inputs.seeds(name):
        fuzz_inputs.store_by_hash(corpus, content)
    return corpus


def parse_stats(output):
    """Executions, cov, ft, corpus size and peak RSS from libFuzzer's output."""
    stats = {'execs': 0, 'cov': 0, 'ft': 0, 'corp': 0, 'rss_mb': 0}
    for line in output.splitlines():
        status = re.match(r'#(\d+)\s+\w+\s+cov: (\d+) ft: (\d+) corp: (\d+)', line)
        if status:
            stats.update(cov=int(status[2]), ft=int(status[3]), corp=int(status[4]))
        executed = re.match(r'stat::number_of_executed_units:\s+(\d+)', line)
        if executed:
            stats['execs'] = int(executed[1])
        rss = re.match(r'stat::peak_rss_mb:\s+(\d+)', line)
        if rss:
            stats['rss_mb'] = int(rss[1])
    return stats


def keep_findings(findings_dir, name):
    """Copies libFuzzer's artifacts into tests/fuzz/regressions/<name>/; returns the kept paths."""
    kept = []
    target = FUZZ_DIR / 'regressions' / name
    for artifact in sorted(findings_dir.glob('*')):
        if artifact.name.split('-')[0] in ('crash', 'leak', 'timeout', 'oom', 'slow'):
            target.mkdir(parents=True, exist_ok=True)
            shutil.copy(artifact, target / artifact.name)
            artifact.unlink()
            kept.append(target / artifact.name)
    return kept


def fuzz_one(build, name, seconds, env):
    corpus = prepare_corpus(build, name)
    findings_dir = build / 'fuzz' / 'findings' / name
    findings_dir.mkdir(parents=True, exist_ok=True)
    log = build / 'fuzz' / 'logs' / f'{name}.log'
    log.parent.mkdir(parents=True, exist_ok=True)
    command = [str(build / 'tests' / 'fuzz' / name), str(corpus), f'-max_total_time={seconds}',
               f'-artifact_prefix={findings_dir}/'] + FUZZ_FLAGS
    started = time.monotonic()
    result = subprocess.run(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, errors='replace', check=False)
    log.write_text(result.stdout)
    stats = parse_stats(result.stdout)
    stats.update(name=name, seconds=time.monotonic() - started, exit=result.returncode,
                 findings=keep_findings(findings_dir, name))
    return stats


def print_fuzz_table(rows):
    print(f'{"harness":<24} {"time":>6} {"executions":>11} {"exec/s":>7} {"cov":>6} {"ft":>6} '
          f'{"corpus":>6} {"rss MB":>6}  findings')
    for r in rows:
        found = ', '.join(str(p.relative_to(SOURCE_ROOT)) for p in r['findings']) or \
            ('none' if r['exit'] == 0 else f'exit {r["exit"]}, see log')
        print(f'{r["name"]:<24} {r["seconds"]:>5.0f}s {r["execs"]:>11,} {r["execs"] / max(r["seconds"], 1):>7.0f} '
              f'{r["cov"]:>6} {r["ft"]:>6} {r["corp"]:>6} {r["rss_mb"]:>6}  {found}')


def run_fuzz(build, seconds, names, env):
    rows = []
    for name in names:
        print(f'== {name}: fuzzing {seconds} s', flush=True)
        rows.append(fuzz_one(build, name, seconds, env))
    print_fuzz_table(rows)
    failed = [r['name'] for r in rows if r['exit'] != 0]
    if failed:
        print(f'FAILED: {", ".join(failed)} (logs in {build}/fuzz/logs; inputs kept in tests/fuzz/regressions)')
    return 0 if not failed else 1


def replay_one(binary, path, env):
    """Runs one input once; returns '' when it passes, else the first report line."""
    result = subprocess.run([str(binary), str(path)], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, errors='replace', check=False, timeout=120)
    if result.returncode == 0:
        return ''
    lines = result.stdout.splitlines()
    for marker in ('runtime error', 'Sanitizer:', 'terminate called', 'what():', 'write_json', 'ERROR:'):
        reports = [line.strip() for line in lines if marker in line]
        if reports:
            return f'exit {result.returncode}: {reports[0]}'
    return f'exit {result.returncode}: {result.stdout.strip()[-300:]}'


def replay_all(build, names, env):
    """Every regression input and every generated deep input, each in its own process."""
    failures, count = [], 0
    for name in names:
        binary = build / 'tests' / 'fuzz' / name
        inputs = sorted(p for p in (FUZZ_DIR / 'regressions' / name).glob('*') if p.is_file())
        inputs += fuzz_inputs.write_deep_inputs(build / 'fuzz' / 'deep' / name, name)
        for path in inputs:
            count += 1
            problem = replay_one(binary, path, env)
            if problem:
                failures.append(f'{name} {path}: {problem}')
    print(f'replayed {count} regression and deep inputs: {len(failures)} failed')
    for failure in failures:
        print(f'  FAIL {failure}')
    return 0 if not failures else 1


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--build', type=pathlib.Path, default=SOURCE_ROOT / 'build-sanitize')
    parser.add_argument('command', choices=['fuzz', 'smoke', 'replay', 'seeds', 'sanitizer-env'])
    parser.add_argument('arguments', nargs='*')
    args = parser.parse_args()
    if args.command == 'sanitizer-env':
        for key, value in sanitizer_options(args.arguments[0] if args.arguments else None).items():
            print(f'export {key}={shlex.quote(value)}')
        return 0
    build = args.build.resolve()
    env = dict(os.environ, **sanitizer_options())
    names = harnesses(build)
    if args.command == 'seeds':
        for name in names:
            print(f'{name}: {len(list(prepare_corpus(build, name).iterdir()))} corpus files')
        return 0
    if args.command == 'replay':
        return replay_all(build, names, env)
    if args.command == 'smoke':
        seconds = int(args.arguments[0]) if args.arguments else 3
        replayed = replay_all(build, names, env)
        return run_fuzz(build, seconds, names, env) or replayed
    seconds = int(args.arguments[0]) if args.arguments else 60
    chosen = args.arguments[1:] or names
    unknown = set(chosen) - set(names)
    if unknown:
        sys.exit(f'unknown harness: {", ".join(sorted(unknown))} (have: {", ".join(names)})')
    return run_fuzz(build, seconds, chosen, env)


if __name__ == '__main__':
    sys.exit(main())
