"""Time the working-day arithmetic over 100,000 random inputs with the real calendar (no database).

    .venv/bin/python bench/calendar_bench.py [--n 100000] [--seed 2026]

Prints microseconds per call and writes bench/results/calendar.json (with the load average before and after).
"""

import argparse
import json
import os
import platform
import random
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402  (same folder)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.base")

import django  # noqa: E402

django.setup()  # settings only: nothing below touches the database

from approvals.calendar.seeding import official_calendar  # noqa: E402

SH = ZoneInfo("Asia/Shanghai")


def timed(label, func, inputs):
    start = time.perf_counter()
    for args in inputs:
        func(*args)
    elapsed = time.perf_counter() - start
    us = elapsed / len(inputs) * 1e6
    print(f"{label:<42} {us:8.2f} µs/call  ({len(inputs):,} calls, {elapsed:.3f} s)")
    return round(us, 3)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    started = common.Run()
    rng = random.Random(args.seed)

    t0 = time.perf_counter()
    cal = official_calendar()
    build_ms = (time.perf_counter() - t0) * 1000
    print(f"build WorkCalendar from chinesecalendar: {build_ms:.1f} ms ({cal!r})")

    span = (date(2026, 12, 31) - date(2004, 1, 1)).days * 86400

    def instant():
        return datetime(2004, 1, 1, tzinfo=SH) + timedelta(seconds=rng.randrange(span))

    starts = [instant() for _ in range(args.n)]
    day_inputs = [(s, rng.randint(0, 60)) for s in starts]
    hour_inputs = [(s, timedelta(minutes=rng.randint(1, 60 * 40))) for s in starts]
    between_inputs = [(s, s + timedelta(hours=rng.randint(0, 24 * 90))) for s in starts]
    pause_inputs = []
    for a, b in between_inputs:
        pauses = []
        for _ in range(3):
            ps = a + (b - a) * rng.random()
            pauses.append((ps, ps + timedelta(hours=rng.randint(1, 200))))
        pause_inputs.append((a, b, pauses))
    date_inputs = [(s.date(), n) for s, n in day_inputs]

    results = {
        "due_date": timed("due_date(date, n)", cal.due_date, date_inputs),
        "add_working_days": timed("add_working_days(datetime, n)", cal.add_working_days, day_inputs),
        "add_working_hours": timed("add_working_hours(datetime, timedelta)", cal.add_working_hours, hour_inputs),
        "working_time_between": timed("working_time_between(a, b)", cal.working_time_between, between_inputs),
        "working_time_between_3_pauses": timed("working_time_between(a, b, 3 pauses)",
                                               cal.working_time_between, pause_inputs),
        "working_days_between": timed("working_days_between(a, b)", cal.working_days_between, between_inputs),
    }
    out = {
        "n": args.n,
        "seed": args.seed,
        "build_ms": round(build_ms, 2),
        "us_per_call": results,
        "python": platform.python_version(),
        "machine": platform.machine(),
        "at": datetime.now(SH).isoformat(timespec="seconds"),
    }
    started.stamp(out)
    path = common.results_dir() / "calendar.json"
    path.write_text(json.dumps(out, indent=2) + "\n")
    common.note_result(path)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
