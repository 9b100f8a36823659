#!/usr/bin/env python3
"""Kill-anywhere trials: run the full pipeline through the driver and SIGKILL a random
task, or the driver itself, at a random moment; then check that nothing is partial.

Each trial runs tests/data/kill_dag.json (ingest, clean, train, save --no-serve, report) in
a fresh project. Odd trials first finish a run, then append a row to data/raw.csv, so the
kill lands while earlier outputs are being replaced. Half the kills come at a moment drawn
over a whole run's duration, the other half within 50 ms of a chosen task's start, so that
every phase is hit however loaded the machine is. The victim is the driver (and then, in
half of those trials, its orphaned tasks as well, as an OOM killer or `kill -9 -PGID`
would; in the other half they run on, and the checks wait for them, found by their
working directory) or one of its tasks. After each kill:

  * every output is absent, its version before the run, or byte-identical to the output
    of an uninterrupted run on the same data (never partial or corrupt);
  * the run manifests, .state/tasks.jsonl, every log and deploy/history.jsonl parse line
    by line; deploy/current names a stored model whose bytes match its sha256;
  * the next driver run exits 0, leaves no temp file under work/ or runs/ (it removes the
    ones the kill left), its outputs are byte-identical to an uninterrupted run's, and
    deploy/history.jsonl's last line names the model deploy/current points at; the run
    after that has nothing to do.

Prints the trial count and failures; a failing trial (or one that raised) keeps its
workspace for inspection and prints its path and the problems found.

  bench/reliability/kill_anywhere.py --trials 500 --seed 500  # the full run
  bench/reliability/kill_anywhere.py --trials 30 --seed 7     # the CI-sized run (ctest's)
"""
import argparse
import csv
import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUTPUTS = ["raw.csv", "clean.csv", "trained.pkl", "flask_api_running.txt", "report.md",
           "report_pred_vs_actual.svg", "report_residuals.svg"]
TASKS = ["ingest", "clean", "train", "save", "report"]
EXTRA_ROW = "-120.00,36.00,20.0,1000.0,200.0,500.0,180.0,3.5,150000.0,INLAND\n"
CLEAN_ENV = {k: v for k, v in os.environ.items() if not k.startswith("PIPELINE_")}


def make_workspace(parent, name, dag_text, extra_row=False):
    ws = os.path.join(parent, name)
    os.makedirs(os.path.join(ws, "work"))
    for d in ["data", "templates", "notes"]:
        shutil.copytree(os.path.join(ROOT, d), os.path.join(ws, d))
    with open(os.path.join(ws, "dag.json"), "w") as f:
        f.write(dag_text)
    if extra_row:
        append_row(ws)
    return ws


def append_row(ws):
    with open(os.path.join(ws, "data", "raw.csv"), "a") as f:
        f.write(EXTRA_ROW)


def read(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except FileNotFoundError:
        return None


def snapshot(ws):
    return {name: read(os.path.join(ws, "work", name)) for name in OUTPUTS}


def run_driver(driver, ws, timeout=300):
    return subprocess.run([driver, "run", "--dag", os.path.join(ws, "dag.json")], cwd=ws,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout,
                          env=CLEAN_ENV)


def process_table():
    """{pid: (parent pid, start time)} from /proc."""
    table = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            table[int(entry)] = (int(fields[1]), int(fields[19]))
        except (FileNotFoundError, ProcessLookupError, IndexError, ValueError):
            continue
    return table


def descendants(pid):
    """(pid, start time) of every process below `pid`."""
    table = process_table()
    children = {}
    for child, (parent, _) in table.items():
        children.setdefault(parent, []).append(child)
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append((child, table[child][1]))
            todo.append(child)
    return found


def alive(processes):
    """The (pid, start time) pairs that still name the same running process."""
    table = process_table()
    result = []
    for pid, start in processes:
        if pid in table and table[pid][1] == start:
            try:
                with open(f"/proc/{pid}/stat") as f:
                    if f.read().rsplit(")", 1)[1].split()[0] == "Z":
                        continue
            except (FileNotFoundError, ProcessLookupError, IndexError):
                continue
            result.append((pid, start))
    return result


def program_of(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return os.path.basename(f.read().split(b"\0")[0].decode())
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return ""


def wait_for_task(proc, task, timeout):
    """Polls until a process running `task` is below the driver, or the driver exits."""
    deadline = time.monotonic() + timeout
    while proc.poll() is None and time.monotonic() < deadline:
        if any(program_of(pid) == task for pid, _ in descendants(proc.pid)):
            return True
        time.sleep(0.002)
    return False


def processes_in(ws):
    """(pid, start time) of every live process whose working directory is inside `ws`: the
    tasks of a killed driver, including one it started after `descendants` looked."""
    found = []
    for pid, (_, start) in process_table().items():
        try:
            cwd = os.readlink(f"/proc/{pid}/cwd")
        except OSError:
            continue
        if cwd == ws or cwd.startswith(ws + os.sep):
            found.append((pid, start))
    return alive(found)


def wait_gone(processes, timeout):
    deadline = time.monotonic() + timeout
    while alive(processes) and time.monotonic() < deadline:
        time.sleep(0.01)
    return not alive(processes)


def jsonl_problems(path, allow_torn_tail=False):
    problems = []
    data = read(path)
    if data is None:
        return problems
    lines = data.split(b"\n")
    tail = lines.pop()  # after the last newline: empty unless the last line is torn
    if tail and not allow_torn_tail:
        problems.append(f"{path}: torn last line {tail[:80]!r}")
    for number, line in enumerate(lines, 1):
        try:
            json.loads(line)
        except ValueError as e:
            problems.append(f"{path}:{number}: {e}")
    return problems


def state_problems(ws):
    """Whatever a kill left that does not parse or does not match."""
    problems = []
    work = os.path.join(ws, "work")
    for dirpath, _, files in os.walk(os.path.join(ws, "runs")):
        for name in files:
            if name.endswith(".json") and ".tmp-" not in name:
                path = os.path.join(dirpath, name)
                try:
                    with open(path) as f:
                        json.load(f)
                except (ValueError, UnicodeDecodeError) as e:
                    problems.append(f"{path}: {e}")
    problems += jsonl_problems(os.path.join(work, ".state", "tasks.jsonl"))
    cache = os.path.join(work, ".state", "hash_cache.json")
    if os.path.exists(cache):
        try:
            with open(cache) as f:
                json.load(f)
        except ValueError as e:
            problems.append(f"{cache}: {e}")
    logs = os.path.join(ws, "logs")
    for name in sorted(os.listdir(logs)) if os.path.isdir(logs) else []:
        if name.endswith(".log"):
            problems += jsonl_problems(os.path.join(logs, name))
    metrics = os.path.join(ws, "metrics")
    for name in sorted(os.listdir(metrics)) if os.path.isdir(metrics) else []:
        with open(os.path.join(metrics, name), newline="") as f:
            rows = list(csv.reader(f))
        if rows and any(len(row) != len(rows[0]) for row in rows):
            problems.append(f"metrics/{name}: a row with the wrong number of fields")
    deploy = os.path.join(work, "deploy")
    problems += jsonl_problems(os.path.join(deploy, "history.jsonl"))
    models = os.path.join(deploy, "models")
    for name in sorted(os.listdir(models)) if os.path.isdir(models) else []:
        if ".tmp-" in name:
            continue
        digest = hashlib.sha256(read(os.path.join(models, name))).hexdigest()
        if name != digest + ".json":
            problems.append(f"deploy/models/{name}: content has sha256 {digest}")
    current = os.path.join(deploy, "current")
    if os.path.lexists(current) and not os.path.isfile(current):
        problems.append(f"deploy/current -> {os.readlink(current)}: not a stored model")
    return problems


def temp_files(ws):
    """Temp files (and deploy/.current.tmp-<pid> symlinks) under work/ and runs/."""
    found = []
    for top in ("work", "runs"):
        for dirpath, dirs, files in os.walk(os.path.join(ws, top)):
            found += [os.path.join(dirpath, n) for n in files + dirs if ".tmp-" in n]
    return found


def deploy_problems(ws):
    """After a completed run: the history's last change names the model current points at."""
    deploy = os.path.join(ws, "work", "deploy")
    current = os.path.join(deploy, "current")
    if not os.path.lexists(current):
        return ["deploy/current missing after a completed run"]
    sha = os.path.basename(os.readlink(current))[:-len(".json")]
    last = None
    for line in (read(os.path.join(deploy, "history.jsonl")) or b"").split(b"\n"):
        try:
            last = json.loads(line).get("sha256", last)
        except ValueError:
            continue
    if last != sha:
        return [f"deploy/history.jsonl's last change names {last}, deploy/current {sha}"]
    return []


class Trials:
    """The trials' settings and tallies."""

    def __init__(self, args, driver, dag_text, expected, max_delay):
        self.args = args
        self.driver = driver
        self.dag_text = dag_text
        self.expected = expected  # modified -> the outputs of an uninterrupted run
        self.max_delay = max_delay
        self.rng = random.Random(args.seed)
        self.kills = {"driver": 0, "driver+tasks": 0, "task": 0, "none": 0}
        self.during = {}   # task -> kills that happened while it ran
        self.victims = {}  # task -> times it was the one killed
        self.left_by_kills = {"work": 0, "runs": 0}  # temp files a kill left, rerun removed

    def kill(self, proc, ws):
        """Kills the driver, the driver and its tasks, or one task at a random moment; returns
        what was killed."""
        rng = self.rng
        # Half the kills come at a moment drawn over the whole run; the other half while a
        # chosen task runs, so that every phase is hit however loaded the machine is.
        if rng.random() < 0.5:
            time.sleep(rng.uniform(0, self.max_delay))
        else:
            wait_for_task(proc, rng.choice(TASKS), 30)
            time.sleep(rng.uniform(0, 0.05))
        family = descendants(proc.pid)
        running = sorted({program_of(pid) for pid, _ in family} - {""})
        target = "driver" if not family or rng.random() < 0.4 else "task"
        if target == "driver" and family and rng.random() < 0.5:
            target = "driver+tasks"
        victim = rng.choice(family)[0] if target == "task" else proc.pid
        victim_name = program_of(victim) if target == "task" else "driver"
        try:
            if proc.poll() is not None:
                raise ProcessLookupError  # the run was over (a zombie would take the signal)
            os.kill(victim, signal.SIGKILL)
            if target == "driver+tasks":
                proc.wait()  # dead, it starts no task after this: kill every one it started
                for pid, _ in alive(family) + processes_in(ws):
                    os.kill(pid, signal.SIGKILL)
            self.kills[target] += 1
            for name in running:
                self.during[name] = self.during.get(name, 0) + 1
            if target == "task":
                self.victims[victim_name] = self.victims.get(victim_name, 0) + 1
        except ProcessLookupError:
            self.kills["none"] += 1
            target = "none"
        return target

    def run(self, trial, ws):
        """One trial in the fresh workspace `ws`: returns what was killed and the problems."""
        modified = trial % 2 == 1
        expected = self.expected[modified]
        make_workspace(os.path.dirname(ws), os.path.basename(ws), self.dag_text)
        problems = []
        if modified:
            started = time.monotonic()
            r = run_driver(self.driver, ws)
            if not self.args.max_delay:  # follow the machine's load: a full run's time
                self.max_delay = max(self.max_delay, 1.2 * (time.monotonic() - started))
            if r.returncode != 0:
                problems.append("the preparing run failed: " + r.stderr.decode()[-2000:])
            append_row(ws)
        before = snapshot(ws)
        proc = subprocess.Popen([self.driver, "run", "--dag", os.path.join(ws, "dag.json")],
                                cwd=ws, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                env=CLEAN_ENV)
        target = self.kill(proc, ws)
        proc.wait()
        # Orphans of a killed driver run on in their own process groups: let them finish
        # (they are short) before looking, as a user's next run would meet them. Found by
        # their working directory, also a task the driver started just before it died.
        orphans = processes_in(ws)
        if not wait_gone(orphans, 60):
            problems.append("tasks still running 60 s after the kill: "
                            + ", ".join(str(p) for p, _ in alive(orphans)))
            for pid, _ in alive(orphans):
                os.kill(pid, signal.SIGKILL)

        after_kill = snapshot(ws)
        problems += state_problems(ws)
        for path in temp_files(ws):
            self.left_by_kills[os.path.relpath(path, ws).split(os.sep)[0]] += 1
        for name in OUTPUTS:
            now = after_kill[name]
            if now is not None and now not in (before[name], expected[name]):
                problems.append(f"{name}: after the kill neither the previous nor a complete"
                                f" version ({len(now)} bytes)")
        rerun = run_driver(self.driver, ws)
        if rerun.returncode != 0:
            problems.append("the next driver run failed: " + rerun.stderr.decode()[-2000:])
        final = snapshot(ws)
        for name in OUTPUTS:
            if final[name] != expected[name]:
                problems.append(f"{name}: differs from an uninterrupted run after the rerun")
        problems += state_problems(ws)
        if rerun.returncode == 0:
            problems += deploy_problems(ws)
        problems += [f"temp file left after the rerun: {p}" for p in temp_files(ws)]
        again = run_driver(self.driver, ws)
        if again.returncode != 0 or b"nothing to do" not in again.stderr:
            problems.append("the run after the rerun was not a no-op: "
                            + again.stderr.decode()[-2000:])
        return target, problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--bin", default=os.path.join(ROOT, "build", "release", "bin"))
    parser.add_argument("--max-delay", type=float, default=0.0,
                        help="latest kill moment in seconds (default: 1.2 x the reference run)")
    parser.add_argument("--keep", action="store_true", help="keep every trial's workspace")
    args = parser.parse_args()
    args.bin = os.path.abspath(args.bin)  # the trials run in their own directories
    driver = os.path.join(args.bin, "driver")
    with open(os.path.join(ROOT, "tests", "data", "kill_dag.json")) as f:
        dag_text = f.read()

    parent = tempfile.mkdtemp(prefix="kill-anywhere-")
    expected = {}
    reference_time = 0.0
    for modified in (False, True):
        ws = make_workspace(parent, f"reference-{int(modified)}", dag_text, modified)
        started = time.monotonic()
        r = run_driver(driver, ws)
        reference_time = max(reference_time, time.monotonic() - started)
        if r.returncode != 0:
            print("the uninterrupted reference run failed:\n" + r.stderr.decode(), file=sys.stderr)
            return 1
        expected[modified] = snapshot(ws)
        shutil.rmtree(ws)
    trials = Trials(args, driver, dag_text, expected, args.max_delay or reference_time * 1.2)

    failures = 0
    started_all = time.monotonic()
    for trial in range(args.trials):
        ws = os.path.join(parent, f"trial-{trial}")
        try:
            target, problems = trials.run(trial, ws)
        except Exception:  # a failure of the trial itself keeps the workspace as well
            target, problems = "?", ["the trial raised:\n" + traceback.format_exc()]
        if problems:
            failures += 1
            print(f"trial {trial}: FAILED ({target} killed); workspace kept: {ws}")
            for p in problems:
                print("  " + p)
        elif not args.keep:
            shutil.rmtree(ws)
        sys.stdout.flush()
    elapsed = time.monotonic() - started_all
    kills, during, victims, left = trials.kills, trials.during, trials.victims, trials.left_by_kills
    print(f"kill-anywhere: {args.trials} trials, {failures} failed "
          f"(killed: {kills['driver']} driver alone, {kills['driver+tasks']} driver and its tasks, "
          f"{kills['task']} a task, {kills['none']} after the run ended); "
          f"reference run {reference_time:.3f} s, trials {elapsed:.1f} s")
    print("  kills while running: " + ", ".join(f"{k} {during.get(k, 0)}" for k in TASKS)
          + "; tasks killed: " + ", ".join(f"{k} {victims.get(k, 0)}" for k in TASKS)
          + f"; temp files left by kills and removed by the rerun: {left['work']} in work/,"
          f" {left['runs']} in runs/")
    if failures == 0 and not args.keep:
        shutil.rmtree(parent)
    elif failures:
        print(f"workspaces kept under {parent}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
