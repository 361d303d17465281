"""Write bench/results/SUMMARY.md from the JSON result files there: what was measured, on what, and the key
figures against the targets of issues #10 and #13.

    .venv/bin/python bench/summary.py                # rewrite bench/results/SUMMARY.md ($BENCH_RESULTS_DIR)
    .venv/bin/python bench/summary.py --stdout       # print it instead

`make bench` (bench/run.py) calls it at the end. Every figure comes from a result file; the only constants here
are the targets themselves (TARGETS) and the rule that says which HTTP scenario a target applies to.
"""

import argparse
import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402  (same folder)

# The targets (issue #10 "Targets", issue #13 "At scale"): stated for this machine, PostgreSQL, 1,000,000
# applications, 4 concurrent clients.
TARGETS = {
    "read_p95_ms": 50,  # read endpoints and pages
    "read_share_of_floor": 0.20,  # at least 20% of the floor's throughput
    "submission_p95_ms": 150,  # bundle submission
    "sweep_nothing_due_ms": 50,
    "sweep_10k_crossings_s": 3,
    "dashboard_p95_ms": 300,  # each dashboard panel and metrics call (issue #13)
    "target_rows": 1_000_000,
}
DASHBOARD = re.compile(r"dashboard|metrics|live board|supervision", re.I)  # HTTP scenarios judged at 300 ms


# --- formatting -----------------------------------------------------------------------------------------
def ms(value):
    return "—" if value is None else f"{value:,.0f}" if value >= 100 else f"{value:,.1f}"


def within(value, limit, unit="ms"):
    """'met' or 'missed by X unit (N×)' for a figure that must stay under `limit`."""
    if value is None:
        return "no figure"
    if value < limit:
        return "met"
    return f"**missed** by {value - limit:,.1f} {unit} ({value / limit:.1f}×)"


def at_least(share, limit):
    if share is None:
        return "no figure"
    if share >= limit:
        return "met"
    return f"**missed**: {100 * share:.1f}% of the floor, needs {100 * limit:.0f}% ({limit / share:.1f}× short)" \
        if share else f"**missed**: 0% of the floor, needs {100 * limit:.0f}%"


def _triple(values):
    return " ".join(f"{float(v):.2f}" for v in values) if values else "?"


def load_of(result):
    """(before, after) load average triples, from the common "load" block or the older keys."""
    load = result.get("load")
    if isinstance(load, dict):
        return load.get("before", {}).get("loadavg"), load.get("after", {}).get("loadavg")
    if "loadavg_before" in result or "loadavg_after" in result:
        return result.get("loadavg_before"), result.get("loadavg_after")
    if isinstance(result.get("load_average"), dict):
        return result["load_average"].get("start"), result["load_average"].get("end")
    if "load_average_before" in result:
        return result.get("load_average_before"), result.get("load_average_after")
    if isinstance(result.get("load_average"), list):
        return None, result["load_average"]
    return None, None


def on_what(result):
    """One line: when, the machine, the load before and after."""
    host = result.get("host") or {}
    cpus = host.get("cpus") or result.get("cpus") or result.get("cores")
    before, after = load_of(result)
    at = result.get("at") or (result.get("load") or {}).get("after", {}).get("at") or "?"
    machine = f"{cpus or '?'} cores"
    if host.get("cpu_model"):
        machine += f" ({host['cpu_model']}, {host.get('memory_gib')} GiB)"
    python = host.get("python") or result.get("python")
    speed = host.get("calibration") or {}
    if speed:
        machine += (f"; calibration: Python loop {speed['python_ms']:g} ms, 50 fsyncs {speed['fsync_ms']:g} ms "
                    f"(common.calibration; smaller is faster)")
    load = f"load average before {_triple(before)}, after {_triple(after)}" if before else \
        f"load average after {_triple(after)}" if after else "load average not recorded"
    busy = ""
    if cpus and (before or after):
        peak = max(float(x[0]) for x in (before, after) if x)
        if peak > cpus:
            busy = f" — **busy machine** ({peak / cpus:.1f} runnable per core): wall-clock figures are slowed"
    return f"{at}; {machine}{f', Python {python}' if python else ''}; {load}{busy}"


# --- one section per kind of result ---------------------------------------------------------------------
def size_note(applications):
    if isinstance(applications, int) and applications < TARGETS["target_rows"]:
        return [f"The targets are stated for {TARGETS['target_rows']:,} applications; this run had "
                f"{applications:,}.", ""]
    return []


def http_section(name, r):
    dataset = r.get("dataset") or {}
    rows = dataset.get("rows") or r.get("rows")
    lines = [f"### HTTP: `{name}`", "",
             f"gunicorn {r.get('workers')} sync workers; {r.get('concurrency')} keep-alive clients on loopback for "
             f"{r.get('duration_s')} s per scenario; {r.get('database')}; data set "
             f"{f'{rows:,}' if isinstance(rows, int) else rows} generated applications "
             f"({r.get('rows', 0):,} in the database, {r.get('reviews', 0):,} reviews"
             f"{', database ' + dataset['database'] if dataset.get('database') else ''}).", "",
             f"On: {on_what(r)}.", ""]
    lines += size_note(rows)
    results = r.get("results") or []
    floor = next((x for x in results if x["name"].startswith("floor")), None)
    lines += ["| scenario | req/s | p50 ms | p95 ms | share of floor | errors | target | verdict |",
              "|---|---:|---:|---:|---:|---:|---|---|"]
    tally = {"met": 0, "missed": 0}
    for x in results:
        errors = sum(v for k, v in (x.get("statuses") or {}).items() if not str(k).startswith(("2", "3")))
        share = x.get("share_of_floor")
        if x is floor:
            target, verdict = "floor (reference)", "—"
        elif x.get("writes") or re.search(r"submission|create", x["name"], re.I):
            target = f"p95 < {TARGETS['submission_p95_ms']} ms"
            verdict = within(x.get("p95_ms"), TARGETS["submission_p95_ms"])
        elif DASHBOARD.search(x["name"]):
            target = f"p95 < {TARGETS['dashboard_p95_ms']} ms"
            verdict = within(x.get("p95_ms"), TARGETS["dashboard_p95_ms"])
        else:
            target = f"p95 < {TARGETS['read_p95_ms']} ms, ≥ {100 * TARGETS['read_share_of_floor']:.0f}% of floor"
            parts = [within(x.get("p95_ms"), TARGETS["read_p95_ms"]),
                     at_least(share, TARGETS["read_share_of_floor"])]
            verdict = "met" if all(p == "met" for p in parts) else "; ".join(p for p in parts if p != "met")
        if errors:
            verdict += f"; {errors} error responses"
        if x is not floor:
            tally["met" if verdict == "met" else "missed"] += 1
        lines.append(f"| {x['name']} | {x.get('rps')} | {ms(x.get('p50_ms'))} | {ms(x.get('p95_ms'))} | "
                     f"{'' if share is None else f'{100 * share:.1f}%'} | {errors} | {target} | {verdict} |")
    lines += ["", f"Targets met by {tally['met']} of {tally['met'] + tally['missed']} scenarios."]
    if r.get("rss_mib_before"):
        lines += ["", f"Web workers' RSS (MiB) before {r['rss_mib_before']}, after {r.get('rss_mib_after')}."]
    lines += ["", f"Query plans of the inbox and boards: `http-plans-{rows}.txt`.", ""]
    return lines, tally


def soak_section(name, r):
    traffic = r.get("traffic") or {}
    lines = [f"### Memory soak: `{name}`", "",
             f"{r.get('seconds', 0):.0f} s of mixed traffic ({len(traffic.get('scenarios', {}))} scenarios, "
             f"{r.get('concurrency')} connections, {traffic.get('requests', 0):,} requests, {traffic.get('rps')} "
             f"req/s) against gunicorn ({r.get('web_workers')} workers), a Celery worker (prefork, "
             f"{r.get('celery_concurrency')}) and beat (sweep every {r.get('sweep_every_s')} s); {r.get('database')}; "
             f"data set {r.get('rows'):,} applications; RSS every {r.get('interval_s')} s.", "",
             f"On: {on_what(r)}.", "", *size_note(r.get("rows")),
             f"Rule: {r.get('rule')}.", "",
             "| process | samples | 1st third MiB | 2nd third MiB | last third MiB | growth 2nd→last | verdict |",
             "|---|---:|---:|---:|---:|---:|---|"]
    for label, v in (r.get("per_process") or {}).items():
        if "last_third_median_mib" not in v:
            lines.append(f"| {label} | {v.get('samples')} | | | | | too few samples |")
            continue
        verdict = {True: "stable", False: "**growing**", None: "not judged (not alive the whole run)"}[v["stable"]]
        lines.append(f"| {label} | {v['samples']} | {v['first_third_median_mib']:.1f} | "
                     f"{v['second_third_median_mib']:.1f} | {v['last_third_median_mib']:.1f} | "
                     f"{100 * v['growth_second_to_last']:+.1f}% | {verdict} |")
    stable = r.get("stable")
    short = r.get("seconds", 0) < 600
    verdict = {True: "met", False: "**missed**", None: "not judged"}[stable]
    lines += ["", f"Target \"web and worker resident memory stable over a 10-minute run\": {verdict}"
                  f"{' (but this run was shorter than 10 minutes)' if short and stable else ''}."]
    if r.get("processes_crashed"):
        lines.append(f"Processes that stopped during the run: {r['processes_crashed']}.")
    errors = sum(s.get("errors", 0) for s in traffic.get("scenarios", {}).values())
    if errors:
        lines.append(f"{errors} requests failed during the soak.")
    lines.append("")
    if stable is None or (short and stable):  # a short run cannot show the 10-minute target met
        return lines, {"met": 0, "missed": 0, "not judged": 1}
    return lines, {"met": int(stable), "missed": int(not stable)}


def sweep_section(name, r):
    quiet = (r.get("no_crossings") or {}).get("median_ms")
    crossing = (r.get("with_crossings") or {}).get("median_s")
    n = r.get("crossings") or 0
    per_10k = crossing * 10_000 / n if crossing is not None and n else None
    built = (r.get("built") or {}).get("counts") or {}
    lines = [f"### Deadline sweep: `{name}`", "",
             f"{r.get('database')}, broker {r.get('broker')}; {r.get('rows', 0):,} open reviews "
             f"({built.get('applications', 0):,} applications); {n:,} crossings.", "",
             f"On: {on_what(r)}.", "", *size_note(built.get("applications")),
             "| figure | measured | target | verdict |", "|---|---:|---|---|",
             f"| one pass, nothing due (median of {(r.get('no_crossings') or {}).get('runs')}) | {ms(quiet)} ms | "
             f"< {TARGETS['sweep_nothing_due_ms']} ms | {within(quiet, TARGETS['sweep_nothing_due_ms'])} |",
             f"| one pass, {n:,} crossings | {crossing} s"
             f"{f' ({per_10k:.1f} s per 10,000)' if n and n != 10_000 and per_10k else ''} | "
             f"10,000 < {TARGETS['sweep_10k_crossings_s']} s | "
             f"{within(per_10k, TARGETS['sweep_10k_crossings_s'], 's')} |",
             f"| queries per crossing review | {(r.get('with_crossings') or {}).get('queries_per_review')} | | |",
             f"| index plans | {'all use their index' if r.get('plans_ok') else '**a query does not use its index**'}"
             f" | | |", ""]
    tally = {"met": 0, "missed": 0}
    for verdict in (within(quiet, TARGETS["sweep_nothing_due_ms"]),
                    within(per_10k, TARGETS["sweep_10k_crossings_s"], "s")):
        tally["met" if verdict == "met" else "missed"] += 1
    return lines, tally


def metrics_section(name, r):
    built = (r.get("built") or {}).get("counts") or {}
    lines = [f"### Supervision figures and dashboard panels: `{name}`", "",
             f"{r.get('database') or r.get('vendor')}; {r.get('rows', 0):,} reviews "
             f"({built.get('applications', 0):,} applications, {r.get('decided', 0):,} decided, "
             f"{r.get('ratings', 0):,} ratings); each panel computed in-process after a warm-up.", "",
             f"On: {on_what(r)}.", "", *size_note(built.get("applications")),
             "| panel | median ms | p95 ms | target | verdict |", "|---|---:|---:|---|---|"]
    tally = {"met": 0, "missed": 0}
    for panel, t in (r.get("panels") or {}).items():
        p95 = t.get("p95_ms", t.get("max_ms"))
        verdict = within(p95, TARGETS["dashboard_p95_ms"])
        tally["met" if verdict == "met" else "missed"] += 1
        lines.append(f"| {panel} | {ms(t.get('median_ms'))} | {ms(p95)}{'' if 'p95_ms' in t else ' (max)'} | "
                     f"p95 < {TARGETS['dashboard_p95_ms']} ms | {verdict} |")
    lines.append("")
    return lines, tally


def pdf_section(name, r):
    lines = [f"### Documents (render and seal): `{name}`", "",
             f"{r.get('n')} documents, the kinds in turn; no database.", "", f"On: {on_what(r)}.", "",
             "| kind | pages | median ms | p95 ms | CPU median ms |", "|---|---:|---:|---:|---:|"]
    for kind, k in (r.get("kinds") or {}).items():
        lines.append(f"| {kind} | {k.get('pages')} | {ms(k.get('total_median_ms'))} | {ms(k.get('total_p95_ms'))} | "
                     f"{ms(k.get('cpu_median_ms'))} |")
    rss = r.get("rss_every_50_mb") or []
    if rss:
        lines += ["", f"RSS after warm-up {r.get('rss_after_warmup_mb')} MB; every 50 documents {rss} MB "
                      f"(growth {rss[-1] - rss[0]:+.1f} MB from the first sample to the last). No target in #10/#13."]
    lines.append("")
    return lines, None


def audit_section(name, r):
    return [f"### Audit log: `{name}`", "",
            f"{r.get('database')}; {r.get('n_appended', 0):,} appends, {r.get('entries_verified', 0):,} verified.",
            "", f"On: {on_what(r)}.", "",
            f"- append (one transaction each): {r.get('us_per_record'):,} µs per entry",
            f"- verify the chain: {r.get('verify_seconds')} s ({r.get('verify_entries_per_s', 0):,} entries/s)",
            "", "No target in #10/#13.", ""], None


def calendar_section(name, r):
    lines = [f"### Working-day calendar: `{name}`", "", f"{r.get('n', 0):,} random inputs; no database.", "",
             f"On: {on_what(r)}.", ""]
    lines += [f"- `{fn}`: {us} µs per call" for fn, us in (r.get("us_per_call") or {}).items()]
    lines += ["", "No target in #10/#13.", ""]
    return lines, None


def other_section(name, r):
    return [f"### `{name}`", "", f"On: {on_what(r)}.", "", "(No summary for this kind of result; see the file.)",
            ""], None


SECTIONS = [("http-", http_section), ("soak-", soak_section), ("sweep-", sweep_section),
            ("metrics-", metrics_section), ("pdf", pdf_section), ("audit", audit_section),
            ("calendar", calendar_section)]


def render(results_dir):
    results_dir = Path(results_dir)
    files = sorted(p for p in results_dir.glob("*.json") if p.name != "run.json")
    lines = ["# Benchmark results", "",
             "Written by `bench/summary.py` from the JSON files in this folder (`make bench` rewrites it at the end; "
             "`.venv/bin/python bench/summary.py` rewrites it from the files as they are). How to reproduce: "
             "docs/performance.md, \"Reproducing the figures\". Targets: issue #10 (read p95 < "
             f"{TARGETS['read_p95_ms']} ms and ≥ {100 * TARGETS['read_share_of_floor']:.0f}% of the floor, submission "
             f"p95 < {TARGETS['submission_p95_ms']} ms, sweep nothing due < {TARGETS['sweep_nothing_due_ms']} ms and "
             f"10,000 crossings < {TARGETS['sweep_10k_crossings_s']} s, memory stable over 10 minutes; on "
             f"{TARGETS['target_rows']:,} applications) and issue #13 (dashboard panels and metrics calls p95 < "
             f"{TARGETS['dashboard_p95_ms']} ms). A machine whose load average exceeds its cores slows every "
             "wall-clock figure: read the load next to each result.", ""]
    try:
        run = json.loads((results_dir / "run.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        run = None
    if run:
        lines += ["## The last `make bench` runs", "",
                  f"PostgreSQL base: {run.get('base') or 'none (SQLite, HTTP and soak skipped)'}; Redis: "
                  f"{'yes' if run.get('redis') else 'no'}; data set rows: {run.get('rows'):,}.", "",
                  "| bench | state | seconds | load before → after | results / reason |", "|---|---|---:|---|---|"]
        for x in run.get("runs", []):
            lb, la = (x.get("load_before") or {}), (x.get("load_after") or {})
            state = f"{x['state']} (exit {x['exit']})" if x.get("exit") else x["state"]
            lines.append(f"| {x['bench']} | {state} | "
                         f"{x.get('seconds', 0):.0f} | {_triple(lb.get('loadavg'))} → {_triple(la.get('loadavg'))} "
                         f"({lb.get('at', '?')}) | {x.get('reason') or ', '.join(x.get('results', []))} |")
        lines.append("")
    sections, verdicts = [], []
    for path in files:
        try:
            result = json.loads(path.read_text(encoding="utf-8"))
        except ValueError as exc:
            sections += [f"### `{path.name}`", "", f"Unreadable: {exc}.", ""]
            continue
        make = next((fn for prefix, fn in SECTIONS if path.name.startswith(prefix)), other_section)
        body, tally = make(path.name, result)
        sections += body
        if tally is not None:
            at = result.get("at") or (result.get("load") or {}).get("after", {}).get("at")
            verdicts.append((path.name, tally, at))
    if verdicts:
        lines += ["## Targets at a glance", "", "| result file | measured at | targets met | missed | not judged |",
                  "|---|---|---:|---:|---:|"]
        lines += [f"| `{name}` | {at or '?'} | {t['met']} | {t['missed']} | {t.get('not judged', 0)} |"
                  for name, t, at in verdicts]
        lines.append("")
    lines += ["## Results", ""] + sections
    return "\n".join(lines).rstrip() + "\n"


def write(results_dir=None):
    results_dir = Path(results_dir or common.results_dir())
    path = results_dir / "SUMMARY.md"
    path.write_text(render(results_dir), encoding="utf-8")
    return path


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--results", default="", help="folder of the result files (default bench/results)")
    parser.add_argument("--stdout", action="store_true")
    args = parser.parse_args()
    folder = Path(args.results) if args.results else common.results_dir()
    if args.stdout:
        sys.stdout.write(render(folder))
    else:
        print(f"wrote {write(folder)}")


if __name__ == "__main__":
    main()
