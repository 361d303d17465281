"""`make bench`: run every bench/*_bench.py (or one), each in its own database, then write SUMMARY.md.

    .venv/bin/python bench/run.py                     # all of them
    .venv/bin/python bench/run.py --only sweep -- --rows 20000

The shape comes from the environment, as for `make run`:

- PostgreSQL: BENCH_DATABASE_URL, else DATABASE_URL when it is postgres://. Its database name (with "_bench"
  appended unless it contains "bench") is the *base*; the benchmarks that build a database drop and create one
  of their own derived from it (<base>_audit, <base>_sweep, <base>_metrics), and the HTTP and soak benchmarks
  share the generated data set (<base>_<rows>, built by bench/generate.py the first time, re-used afterwards;
  bench/common.py). The base database itself is never dropped. Without PostgreSQL the audit, sweep and metrics
  benchmarks use temporary SQLite files, and the HTTP and soak benchmarks say so and skip.
- Redis: BENCH_REDIS_URL, else REDIS_URL (the sweep and metrics benchmarks publish there; the soak runs a Celery
  worker and beat on it). Use a Redis database no other worker consumes.
- BENCH_ROWS: applications of the data set (default 100,000); also --rows of the sweep and metrics benchmarks
  when set. BENCH_SOAK_SECONDS: length of the memory soak (default 600).

Arguments after `--` are passed to every benchmark run (with --only, to that one). Each benchmark's exit status
is kept: the run exits 1 when one crashed (non-zero exit), 0 otherwise, skipped ones included. Writes
bench/results/run.json (what ran, how long, skipped or failed and why) and bench/results/SUMMARY.md
(bench/summary.py).
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402  (same folder)
import summary  # noqa: E402

BENCH = common.ROOT / "bench"


def arguments_for(name, base, redis):
    """The options `make bench` gives each benchmark: its own database, the broker, the size."""
    rows = os.environ.get("BENCH_ROWS", "").strip()
    args = []
    if name in ("audit", "sweep", "metrics") and base:
        args += ["--database-url", common.derived(base, name)]
    if name in ("sweep", "metrics") and redis:
        args += ["--redis-url", redis]
    if name in ("sweep", "metrics") and rows:
        args += ["--rows", str(common.bench_rows())]
    return args


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default="", help="run only bench/<name>_bench.py")
    parser.add_argument("extra", nargs="*", help="options for the benchmark(s), after --")
    args = parser.parse_args()

    scripts = sorted(BENCH.glob(f"{args.only or '*'}_bench.py"))
    if not scripts:
        sys.exit(f"error: no benchmark matches bench/{args.only or '*'}_bench.py")
    base, redis = common.postgres_base(), common.redis_url()
    if base:
        reason = common.postgres_reachable(base)
        if reason:
            print(f"PostgreSQL at {base} does not answer ({reason}): SQLite where a benchmark can, skips elsewhere")
            base = ""
    print(f"benchmarks: {', '.join(s.stem for s in scripts)}; PostgreSQL base: "
          f"{common.database_name(base) if base else 'none (SQLite)'}; Redis: {redis or 'none'}; "
          f"rows: {common.bench_rows():,}", flush=True)

    env = dict(os.environ, BENCH_RESULTS_DIR=str(common.results_dir()))
    if not base:  # the benchmarks must not fall back to a DATABASE_URL that does not answer
        env.pop("BENCH_DATABASE_URL", None)
        if env.get("DATABASE_URL", "").startswith("postgres"):
            env.pop("DATABASE_URL")
    runs = []
    for script in scripts:
        name = script.stem.removesuffix("_bench")
        command = [sys.executable, str(script), *arguments_for(name, base, redis), *args.extra]
        print(f"\n== {script.relative_to(common.ROOT)} {' '.join(command[2:])}", flush=True)
        with tempfile.NamedTemporaryFile("w+", prefix="bench-status-", delete=False) as status:
            status_path = Path(status.name)
        before = common.load()
        t0 = time.perf_counter()
        code = subprocess.run(command, cwd=common.ROOT, env=dict(env, BENCH_STATUS_FILE=str(status_path))).returncode
        seconds = round(time.perf_counter() - t0, 1)
        notes = status_path.read_text(encoding="utf-8").splitlines()
        status_path.unlink(missing_ok=True)
        skipped = next((line.split(": ", 1)[1] for line in notes if line.startswith("skipped: ")), None)
        state = "failed" if code else "skipped" if skipped else "ok"
        runs.append({"bench": name, "state": state, "exit": code, "reason": skipped, "seconds": seconds,
                     "results": [line.split(": ", 1)[1] for line in notes if line.startswith("result: ")],
                     "load_before": before, "load_after": common.load()})
        print(f"== {name}: {state}{f' ({skipped})' if skipped else ''}{f' (exit {code})' if code else ''}, "
              f"{seconds:.0f} s", flush=True)

    out = common.results_dir()
    try:  # a run of one benchmark (--only) keeps the others' last entries
        earlier = json.loads((out / "run.json").read_text(encoding="utf-8")).get("runs", [])
    except (OSError, ValueError):
        earlier = []
    ran = {r["bench"] for r in runs}
    runs = sorted([r for r in earlier if r.get("bench") not in ran] + runs, key=lambda r: r["bench"])
    record = {"runs": runs, "base": common.database_name(base) if base else None, "redis": bool(redis),
              "rows": common.bench_rows(), "host": common.machine(),
              "at": common.load()["at"], "only": args.only or None}
    (out / "run.json").write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    path = summary.write(out)
    print(f"\n{'bench':10s}{'state':9s}{'seconds':>9}  results / reason")
    for r in runs:
        print(f"{r['bench']:10s}{r['state']:9s}{r['seconds']:>9.0f}  {r['reason'] or ', '.join(r['results'])}")
    print(f"summary: {path}")
    sys.exit(1 if any(r["state"] == "failed" for r in runs) else 0)


if __name__ == "__main__":
    main()
