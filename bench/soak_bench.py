"""Memory soak: web and Celery processes' resident memory under mixed traffic for a fixed time.

    .venv/bin/python bench/soak_bench.py                  # BENCH_SOAK_SECONDS, default 600 s (10 minutes)
    .venv/bin/python bench/soak_bench.py --seconds 60     # a short look while developing

Against the HTTP benchmark's data set (bench/http_bench.py: the same database rules, generated when missing,
skipped without PostgreSQL) and the Redis of BENCH_REDIS_URL / REDIS_URL, it starts what production runs
(docker-compose.yml): gunicorn (`portal.wsgi`, 2 x cores + 1 sync workers as in the HTTP benchmark), a Celery
worker (prefork, --concurrency 2) and Celery beat (the deadline sweep every --sweep-every seconds instead of 60,
so a short soak sweeps several times too). A second process (this script with --drive) keeps --concurrency
keep-alive connections busy for --seconds, each request one of the HTTP benchmark's scenarios (its list, in
turn per connection: pages, API, boards, bundle submissions whose notifications the worker delivers).

Every --interval seconds the resident set size (VmRSS) of every process of the three (gunicorn's master and
workers, the Celery worker and its pool processes, beat) is read from /proc. Per process: the series, the
medians of the first, second and last third of the samples, and the growth of the last third's median over
the second third's. **Stable** (the rule): every process that lived through the whole run grew less than
--tolerance (default 5%) from the second third to the last. The first third is the warm-up (imports, caches,
the first sweep over crossings that came due since the data set was generated) and is reported, not judged.
Also per scenario: requests, errors, p50/p95; and requests per interval (does throughput hold up?).

Writes bench/results/soak-postgresql-<rows>.json ($BENCH_RESULTS_DIR).
"""

import argparse
import asyncio
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402  (same folder)
import http_bench  # noqa: E402  (the scenarios, the HTTP client and the data set are the HTTP benchmark's)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("BENCH_SOAK_SECONDS") or 600),
                        help="length of the run (default BENCH_SOAK_SECONDS, else 600)")
    parser.add_argument("--interval", type=float, default=5.0, help="seconds between memory samples")
    parser.add_argument("--tolerance", type=float, default=0.05,
                        help="largest growth of the last third's median RSS over the second third's (0.05 = 5%%)")
    parser.add_argument("--database-url", default="", help="the data set's database (default: as http_bench)")
    parser.add_argument("--rows", type=int, default=None,
                        help="applications of the data set (default BENCH_ROWS, else 100,000)")
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--redis-url", default=common.redis_url())
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--celery-concurrency", type=int, default=2)
    parser.add_argument("--sweep-every", type=float, default=30.0, help="beat's deadline sweep period (seconds)")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--drive", default="", help=argparse.SUPPRESS)  # internal: JSON spec of the traffic
    return parser.parse_args()


# --- the traffic (a second process) ---------------------------------------------------------------------
async def _mixed_client(index, spec, deadline, stats, windows, t_start):
    """One keep-alive connection; each round one scenario, taken in turn from a shuffled order."""
    port, scenarios = spec["port"], spec["scenarios"]
    order = list(range(len(scenarios)))
    random.Random(spec["seed"] + index).shuffle(order)
    reader = writer = None
    n = 0
    while time.perf_counter() < deadline:
        scenario = scenarios[order[n % len(order)]]
        n += 1
        entry = stats.setdefault(scenario["name"], {"latencies": [], "errors": 0, "statuses": {}})
        if writer is None:
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            except OSError:
                entry["errors"] += 1
                await asyncio.sleep(0.5)
                continue
        t0 = time.perf_counter()
        ok, context = True, {}
        try:
            for step in scenario["steps"]:
                path = step["path"].format(**context)
                status, payload, close = await http_bench._request(reader, writer, step["method"], path,
                                                                   step["headers"], step.get("body"))
                entry["statuses"][str(status)] = entry["statuses"].get(str(status), 0) + 1
                if status >= 400:
                    ok = False
                if step.get("capture") and status < 300:
                    context[step["capture"]] = json.loads(payload)["id"]
                if close:
                    writer.close()
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
                if not ok:
                    break
        except (ConnectionError, asyncio.IncompleteReadError, ValueError, OSError):
            ok, writer = False, None
        if ok:
            entry["latencies"].append(time.perf_counter() - t0)
            window = int((time.perf_counter() - t_start) // spec["interval"])
            windows[window] = windows.get(window, 0) + 1
        else:
            entry["errors"] += 1
    if writer is not None:
        writer.close()


def drive(spec_json):
    spec = json.loads(spec_json)
    stats, windows = {}, {}

    async def main():
        t0 = time.perf_counter()
        deadline = t0 + spec["seconds"]
        await asyncio.gather(*[_mixed_client(i, spec, deadline, stats, windows, t0)
                               for i in range(spec["concurrency"])])
        return time.perf_counter() - t0

    elapsed = asyncio.run(main())
    out = {"seconds": round(elapsed, 1), "scenarios": {}, "requests_per_interval": [
        windows.get(i, 0) for i in range(int(elapsed // spec["interval"]) + 1)]}
    total = 0
    for name, entry in stats.items():
        lat = sorted(entry["latencies"])
        total += len(lat)

        def pct(p, lat=lat):
            return round(lat[min(len(lat) - 1, int(p / 100 * len(lat)))] * 1000, 1) if lat else None

        out["scenarios"][name] = {"ok": len(lat), "errors": entry["errors"], "p50_ms": pct(50), "p95_ms": pct(95),
                                  "statuses": entry["statuses"]}
    out["requests"] = total
    out["rps"] = round(total / elapsed, 1) if elapsed else None
    print(json.dumps(out))


# --- memory ---------------------------------------------------------------------------------------------
def _processes():
    """{pid: (ppid, VmRSS MiB, command line)} of every process we can read."""
    found = {}
    for pid_dir in Path("/proc").iterdir():
        if not pid_dir.name.isdigit():
            continue
        try:
            status = (pid_dir / "status").read_text()
            cmdline = (pid_dir / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if "VmRSS" not in fields:
            continue
        found[int(pid_dir.name)] = (int(fields["PPid"].strip()), int(fields["VmRSS"].split()[0]) / 1024, cmdline)
    return found


ROLES = {"web": ("gunicorn master", "gunicorn worker"), "worker": ("celery worker", "celery pool process"),
         "beat": ("celery beat", "celery beat child")}


def children_of(pid, procs=None):
    procs = procs if procs is not None else _processes()
    return [child for child, (ppid, _rss, _cmd) in procs.items() if ppid == pid]


def sample(roots):
    """{label: RSS MiB} for every process under each root (name -> pid): the root and its descendants."""
    procs = _processes()
    children = {}
    for pid, (ppid, _rss, _cmd) in procs.items():
        children.setdefault(ppid, []).append(pid)
    out = {}
    for name, root in roots.items():
        if root not in procs:
            continue
        main_label, child_label = ROLES[name]
        out[f"{main_label} {root}"] = round(procs[root][1], 1)
        stack = list(children.get(root, []))
        while stack:
            pid = stack.pop()
            out[f"{child_label} {pid}"] = round(procs[pid][1], 1)
            stack.extend(children.get(pid, []))
    return out


def judge(series, tolerance, samples_in_run):
    """Per process: thirds' medians and growth; stable by the rule in the docstring."""
    verdicts = {}
    for label, values in series.items():
        entry = {"samples": len(values), "first_mib": values[0], "last_mib": values[-1],
                 "min_mib": min(values), "max_mib": max(values)}
        if len(values) >= 6:
            k = len(values) // 3
            first, second, last = values[:k], values[k:2 * k], values[2 * k:]
            entry.update(first_third_median_mib=statistics.median(first),
                         second_third_median_mib=statistics.median(second),
                         last_third_median_mib=statistics.median(last))
            entry["growth_first_to_last"] = round(entry["last_third_median_mib"] / entry["first_third_median_mib"]
                                                  - 1, 4)
            entry["growth_second_to_last"] = round(entry["last_third_median_mib"]
                                                   / entry["second_third_median_mib"] - 1, 4)
            whole_run = len(values) >= samples_in_run - 1
            entry["judged"] = whole_run
            entry["stable"] = entry["growth_second_to_last"] < tolerance if whole_run else None
        else:
            entry.update(judged=False, stable=None)
        verdicts[label] = entry
    judged = [v["stable"] for v in verdicts.values() if v["judged"]]
    return verdicts, (all(judged) if judged else None)


# --- the run --------------------------------------------------------------------------------------------
def stop(process):
    if process is not None and process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def main():
    args = parse_args()
    if args.drive:
        return drive(args.drive)
    if not args.redis_url:
        common.skip("no Redis: set BENCH_REDIS_URL or REDIS_URL (the worker and beat need a broker)")
    dataset = http_bench.prepare(args)
    started = common.Run()
    from django.db import connection

    plan_list = http_bench.scenarios()
    users = sorted({who for _n, who, _s in plan_list if who})
    creds = {who: http_bench.credentials(who) for who in users}
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    connection.close()

    scratch = Path(tempfile.mkdtemp(prefix="soak-bench-"))
    env = dict(os.environ, DATABASE_URL=args.database_url, REDIS_URL=args.redis_url, DEBUG="false",
               LOG_LEVEL="WARNING", DJANGO_SETTINGS_MODULE="portal.settings.base", CELERY_DATA_DIR=str(scratch),
               DEADLINE_SWEEP_SECONDS=str(args.sweep_every),
               SEALS_DIR=os.environ.get("SEALS_DIR", str(ROOT / "bench" / "data" / "seals")))
    celery = str(Path(sys.executable).parent / "celery")
    logs = {name: open(scratch / f"{name}.log", "w") for name in ("worker", "beat")}  # noqa: SIM115
    gunicorn = worker = beat = None
    series, driver_out = {}, None
    try:
        gunicorn = http_bench.start_gunicorn(args, env)
        worker = subprocess.Popen([celery, "-A", "portal", "worker", "-l", "warning", "--pool", "prefork",
                                   "--concurrency", str(args.celery_concurrency), "--without-gossip",
                                   "--without-mingle"], cwd=ROOT, env=env, stdout=logs["worker"],
                                  stderr=subprocess.STDOUT)
        beat = subprocess.Popen([celery, "-A", "portal", "beat", "-l", "warning", "--schedule",
                                 str(scratch / "beat-schedule")], cwd=ROOT, env=env, stdout=logs["beat"],
                                stderr=subprocess.STDOUT)
        for _ in range(240):  # the measurement starts once the worker's pool processes are there
            for name, process in (("worker", worker), ("beat", beat)):
                if process.poll() is not None:
                    sys.exit(f"celery {name} stopped at start: {(scratch / f'{name}.log').read_text()[-2000:]}")
            if len(children_of(worker.pid)) >= args.celery_concurrency:
                break
            time.sleep(0.5)
        else:
            sys.exit("the Celery worker's pool did not start within 120 s")
        time.sleep(2)
        roots = {"web": gunicorn.pid, "worker": worker.pid, "beat": beat.pid}
        spec = {"port": args.port, "seconds": args.seconds, "concurrency": args.concurrency, "seed": args.seed,
                "interval": args.interval,
                "scenarios": [{"name": name, "steps": http_bench.steps_for(steps, who, creds)}
                              for name, who, steps in plan_list]}
        spec_path = scratch / "spec.json"
        spec_path.write_text(json.dumps(spec))
        print(f"soak: {args.seconds:.0f} s of mixed traffic ({len(plan_list)} scenarios, {args.concurrency} "
              f"connections) against {dataset['database']}; RSS every {args.interval:.0f} s", flush=True)
        driver = subprocess.Popen([sys.executable, __file__, "--drive", spec_path.read_text()], cwd=ROOT, env=env,
                                  stdout=subprocess.PIPE, text=True)
        t0 = time.perf_counter()
        times = []
        next_sample = t0
        while driver.poll() is None:
            if time.perf_counter() >= next_sample:
                times.append(round(time.perf_counter() - t0, 1))
                for label, rss in sample(roots).items():
                    series.setdefault(label, {})[len(times) - 1] = rss
                if len(times) % max(1, int(60 / args.interval)) == 1:
                    web = [v for k, v in sample(roots).items() if k.startswith(ROLES["web"][1])]
                    print(f"  {times[-1]:6.0f} s  web workers {web} MiB", flush=True)
                next_sample += args.interval
            time.sleep(0.2)
        driver_out = json.loads(driver.stdout.read())
        times.append(round(time.perf_counter() - t0, 1))
        for label, rss in sample(roots).items():
            series.setdefault(label, {})[len(times) - 1] = rss
        crashed = {name: p.returncode for name, p in (("gunicorn", gunicorn), ("worker", worker), ("beat", beat))
                   if p.poll() is not None}
    finally:
        for process in (beat, worker, gunicorn):
            stop(process)
        for handle in logs.values():
            handle.close()
        worker_log = (scratch / "worker.log").read_text(errors="replace")[-4000:] if scratch.exists() else ""
        shutil.rmtree(scratch, ignore_errors=True)
        if args.redis_url:  # leave no undelivered task of the bench database for another worker on this Redis
            try:
                import redis

                redis.Redis.from_url(args.redis_url).delete("celery")
            except Exception:  # noqa: BLE001
                pass

    samples_in_run = len(times)
    lists = {label: [by_index[i] for i in sorted(by_index)] for label, by_index in series.items()}
    verdicts, stable = judge(lists, args.tolerance, samples_in_run)
    rows = dataset["rows"]
    result = {
        "rows": rows, "dataset": dataset, "database": f"PostgreSQL {version}", "broker": "redis",
        "seconds": args.seconds, "interval_s": args.interval, "tolerance": args.tolerance,
        "rule": (f"stable when every process that lived through the run has a last-third median RSS less than "
                 f"{args.tolerance:.0%} above its second-third median (the first third is warm-up)"),
        "stable": stable, "processes_crashed": crashed,
        "web_workers": args.workers, "celery_concurrency": args.celery_concurrency,
        "sweep_every_s": args.sweep_every, "concurrency": args.concurrency,
        "traffic": driver_out, "sample_times_s": times, "rss_mib": lists, "per_process": verdicts,
        "worker_log_tail": worker_log if crashed or "Traceback" in worker_log else "",
    }
    started.stamp(result)
    path = common.results_dir() / f"soak-postgresql-{rows}.json"
    path.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    common.note_result(path)

    print(f"\n{driver_out['requests']:,} requests in {driver_out['seconds']} s ({driver_out['rps']} req/s); "
          f"errors {sum(s['errors'] for s in driver_out['scenarios'].values())}")
    print(f"{'process (RSS MiB)':34s}{'samples':>8}{'1st third':>11}{'2nd third':>11}{'last third':>11}{'growth':>9}  verdict")
    for label, v in verdicts.items():
        if "last_third_median_mib" in v:
            verdict = {True: "stable", False: "GROWING", None: "not judged (did not live through the run)"}[
                v["stable"]]
            print(f"{label:34s}{v['samples']:>8}{v['first_third_median_mib']:>11.1f}"
                  f"{v['second_third_median_mib']:>11.1f}{v['last_third_median_mib']:>11.1f}"
                  f"{100 * v['growth_second_to_last']:>8.1f}%  {verdict}")
        else:
            print(f"{label:34s}{v['samples']:>8}  too few samples")
    print(f"memory {'stable' if stable else 'NOT stable' if stable is False else 'not judged'} "
          f"({result['rule']}); wrote {path}")
    if crashed:
        print(f"processes that stopped during the soak: {crashed}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
