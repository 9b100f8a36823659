#!/usr/bin/env python3
"""Kill-anywhere trials: run the full pipeline through the driver and SIGKILL a random
task, or the driver itself, at a random moment; then check that nothing is partial.

After each kill:
  * every declared output is absent, the previous trial's version, or byte-identical to
    an uninterrupted run's (never partial or corrupt);
  * the manifests and state files still parse as JSON;
  * the next driver run completes (exit 0), and its outputs are byte-identical to an
    uninterrupted run's.

Prints the trial count and failures; a failing trial keeps its workspace for inspection.

  bench/reliability/kill_anywhere.py --trials 500            # the full run
  bench/reliability/kill_anywhere.py --trials 30 --seed 7    # the CI-sized run
"""
import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUTPUTS = ["raw.csv", "clean.csv", "trained.pkl", "flask_api_running.txt", "report.md",
           "report_pred_vs_actual.svg", "report_residuals.svg"]


def make_workspace(parent, name, dag_text):
    ws = os.path.join(parent, name)
    os.makedirs(os.path.join(ws, "work"))
    for d in ["data", "templates", "notes"]:
        shutil.copytree(os.path.join(ROOT, d), os.path.join(ws, d))
    with open(os.path.join(ws, "dag.json"), "w") as f:
        f.write(dag_text)
    return ws


def read(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except FileNotFoundError:
        return None


def snapshot(ws):
    return {name: read(os.path.join(ws, "work", name)) for name in OUTPUTS}


def run_driver(driver, ws, extra=(), timeout=120):
    return subprocess.run([driver, "run", "--dag", os.path.join(ws, "dag.json"), *extra],
                          cwd=ws, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=timeout)


def descendants(pid):
    """Pids of every process below `pid` (through /proc)."""
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry))
        except (FileNotFoundError, ProcessLookupError, IndexError):
            continue
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def json_files_parse(ws):
    problems = []
    for top in ["runs", os.path.join("work", ".state")]:
        for dirpath, _, files in os.walk(os.path.join(ws, top)):
            for name in files:
                if not name.endswith(".json") or ".tmp" in name:
                    continue
                path = os.path.join(dirpath, name)
                try:
                    with open(path) as f:
                        json.load(f)
                except (ValueError, UnicodeDecodeError) as e:
                    problems.append(f"{path}: {e}")
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--bin", default=os.path.join(ROOT, "build", "release", "bin"))
    parser.add_argument("--max-delay", type=float, default=0.0,
                        help="latest kill moment in seconds (default: the reference run's time)")
    args = parser.parse_args()
    driver = os.path.join(args.bin, "driver")
    rng = random.Random(args.seed)
    with open(os.path.join(ROOT, "tests", "data", "kill_dag.json")) as f:
        dag_text = f.read()

    parent = tempfile.mkdtemp(prefix="kill-anywhere-")
    reference_ws = make_workspace(parent, "reference", dag_text)
    started = time.monotonic()
    r = run_driver(driver, reference_ws)
    reference_time = time.monotonic() - started
    if r.returncode != 0:
        print("the uninterrupted reference run failed:\n" + r.stderr.decode(), file=sys.stderr)
        return 1
    reference = snapshot(reference_ws)
    max_delay = args.max_delay or reference_time * 1.2

    failures = 0
    kills = {"driver": 0, "task": 0, "none": 0}
    for trial in range(args.trials):
        ws = make_workspace(parent, f"trial-{trial}", dag_text)
        # Half the trials start from a finished earlier run with a changed input, so a kill
        # can also land while previous outputs are being replaced.
        if trial % 2 == 1:
            if run_driver(driver, ws).returncode != 0:
                failures += 1
                print(f"trial {trial}: preparing run failed; kept {ws}")
                continue
            with open(os.path.join(ws, "data", "raw.csv"), "a") as f:
                f.write("-120.00,36.00,20.0,1000.0,200.0,500.0,180.0,3.5,150000.0,INLAND\n")
        before = snapshot(ws)
        proc = subprocess.Popen([driver, "run", "--dag", os.path.join(ws, "dag.json")], cwd=ws,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0, max_delay))
        victims = [p for p in descendants(proc.pid)]
        target = "driver" if not victims or rng.random() < 0.3 else "task"
        try:
            os.kill(rng.choice(victims) if target == "task" else proc.pid, signal.SIGKILL)
            kills[target] += 1
        except ProcessLookupError:
            kills["none"] += 1
        proc.wait()
        # A killed driver's tasks are in their own process groups: let them finish or die.
        for pid in descendants(proc.pid):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.05)

        problems = []
        after_kill = snapshot(ws)
        problems += json_files_parse(ws)
        rerun = run_driver(driver, ws)
        if rerun.returncode != 0:
            problems.append("the next driver run failed: " + rerun.stderr.decode()[-2000:])
        final = snapshot(ws)
        expected = reference
        if trial % 2 == 1:
            fresh = make_workspace(parent, f"expected-{trial}", dag_text)
            shutil.copy(os.path.join(ws, "data", "raw.csv"), os.path.join(fresh, "data", "raw.csv"))
            run_driver(driver, fresh)
            expected = snapshot(fresh)
            shutil.rmtree(fresh)
        for name in OUTPUTS:
            now = after_kill[name]
            if now is not None and now not in (before[name], expected[name], reference[name]):
                problems.append(f"{name}: after the kill neither the previous nor a complete version")
            if final[name] != expected[name]:
                problems.append(f"{name}: differs from an uninterrupted run after the rerun")
        problems += json_files_parse(ws)
        if problems:
            failures += 1
            print(f"trial {trial}: FAILED ({target} killed); workspace kept: {ws}")
            for p in problems:
                print("  " + p)
        else:
            shutil.rmtree(ws)
    print(f"kill-anywhere: {args.trials} trials, {failures} failed "
          f"(killed: {kills['driver']} driver, {kills['task']} task, {kills['none']} after exit); "
          f"reference run {reference_time:.3f} s")
    if failures == 0:
        shutil.rmtree(parent)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
