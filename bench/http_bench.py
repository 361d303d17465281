"""Requests per second and latency of the portal's pages and API under gunicorn, against the framework's floor.

    .venv/bin/python bench/generate.py --database-url postgres://postgres@127.0.0.1:5432/portal_bench --rows 100000
    .venv/bin/python bench/http_bench.py --database-url postgres://postgres@127.0.0.1:5432/portal_bench \\
        --redis-url redis://127.0.0.1:6379/14

Starts gunicorn (`portal.wsgi`, 2 x cores + 1 sync workers, DEBUG off) on a loopback port against the database
that bench/generate.py built (its name must contain "bench"), then, for each scenario in turn, a second process
(this script with --drive) keeps `--concurrency` keep-alive connections busy for `--duration` seconds with a
small asyncio HTTP/1.1 client (wrk and locust are not installed here; the client costs ~0.1 ms per request).
The first scenario is the floor: `/healthz`, one `SELECT 1` through the whole middleware stack.

Scenarios: catalog (API and page), the applicant's list and detail (API and page), the chief's inbox (first page;
filtered by light; API and page), the leader's and the supervisor's boards (overdue board page; API inbox of
every department; red and yellow), notifications (API and page), and bundle submission (create a draft of an item
needing no materials, then submit it: two POSTs, timed together). Logged-in users get an API token and a session
(with the second factor marked as verified) written directly to the database before the run.

For each: requests/s, p50/p95/p99 latency, errors, share of the floor's requests/s. The SQL of the inbox and
board requests is captured in-process (Django test client) and each statement explained with
EXPLAIN (ANALYZE, BUFFERS). gunicorn's workers' resident memory is read before and after. Writes
bench/results/http-<vendor>-<rows>.json, http-<vendor>-<rows>.md (summary) and http-plans-<rows>.txt.
"""

import argparse
import asyncio
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = Path(os.environ.get("BENCH_RESULTS_DIR", ROOT / "bench" / "results"))


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", ""),
                        help="the PostgreSQL database bench/generate.py built (name containing 'bench')")
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", ""))
    parser.add_argument("--duration", type=float, default=15.0, help="seconds per scenario")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--only", default="", help="comma-separated scenario names (the floor always runs)")
    parser.add_argument("--drive", default="", help=argparse.SUPPRESS)  # internal: JSON spec of one scenario
    return parser.parse_args()


# --- the load driver (a second process) ----------------------------------------------------------------
async def _request(reader, writer, method, path, headers, body):
    head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    data = body.encode() if body else b""
    if data:
        head += f"Content-Length: {len(data)}\r\n"
    writer.write(head.encode() + b"\r\n" + data)
    await writer.drain()
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionError("closed")
    status = int(status_line.split()[1])
    length, chunked, close = None, False, False
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b""):
            break
        name, _sep, value = line.decode("latin-1").partition(":")
        name, value = name.strip().lower(), value.strip()
        if name == "content-length":
            length = int(value)
        elif name == "transfer-encoding" and "chunked" in value.lower():
            chunked = True
        elif name == "connection" and value.lower() == "close":
            close = True
    payload = b""
    if chunked:
        while True:
            size = int((await reader.readline()).strip(), 16)
            chunk = await reader.readexactly(size + 2)
            if size == 0:
                break
            payload += chunk[:-2]
    elif length is not None:
        payload = await reader.readexactly(length)
    else:
        payload = await reader.read()
        close = True
    return status, payload, close


async def _client(spec, deadline, latencies, statuses, port):
    reader = writer = None
    steps = spec["steps"]
    while time.perf_counter() < deadline:
        if writer is None:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
        t0 = time.perf_counter()
        ok = True
        context = {}
        try:
            for step in steps:
                path = step["path"].format(**context)
                status, payload, close = await _request(reader, writer, step["method"], path, step["headers"],
                                                        step.get("body"))
                statuses[status] = statuses.get(status, 0) + 1
                if status >= 400:
                    ok = False
                if step.get("capture") and status < 300:
                    context[step["capture"]] = json.loads(payload)["id"]
                if close:
                    writer.close()
                    reader = writer = None
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
                if not ok:
                    break
        except (ConnectionError, asyncio.IncompleteReadError, ValueError):
            statuses["conn"] = statuses.get("conn", 0) + 1
            ok = False
            writer = None
        if ok:
            latencies.append(time.perf_counter() - t0)
    if writer is not None:
        writer.close()


def drive(spec_json):
    spec = json.loads(spec_json)
    latencies, statuses = [], {}

    async def main():
        warm_until = time.perf_counter() + spec["warmup"]
        await asyncio.gather(*[_client(spec, warm_until, [], {}, spec["port"]) for _ in range(spec["concurrency"])])
        t0 = time.perf_counter()
        deadline = t0 + spec["duration"]
        await asyncio.gather(*[_client(spec, deadline, latencies, statuses, spec["port"])
                               for _ in range(spec["concurrency"])])
        return time.perf_counter() - t0

    elapsed = asyncio.run(main())
    latencies.sort()

    def pct(p):
        return round(latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))] * 1000, 2) if latencies else None

    print(json.dumps({"ok": len(latencies), "seconds": round(elapsed, 2),
                      "rps": round(len(latencies) / elapsed, 1), "p50_ms": pct(50), "p95_ms": pct(95),
                      "p99_ms": pct(99), "max_ms": round(latencies[-1] * 1000, 1) if latencies else None,
                      "statuses": {str(k): v for k, v in statuses.items()}}))


# --- preparing the run (in this process, through Django) ------------------------------------------------
def setup_django(args):
    name = urlsplit(args.database_url).path.lstrip("/")
    if not args.database_url.startswith("postgres") or "bench" not in name:
        sys.exit("--database-url must name the PostgreSQL database bench/generate.py built (name with 'bench')")
    os.environ["DATABASE_URL"] = args.database_url
    os.environ["REDIS_URL"] = args.redis_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.base")
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("SEALS_DIR", str(ROOT / "bench" / "data" / "seals"))
    import django

    django.setup()


def credentials(username):
    """(token header, session cookie header) for `username`, written straight to the database."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django_otp import DEVICE_ID_SESSION_KEY
    from rest_framework.authtoken.models import Token

    from portal.models import User

    user = User.objects.get(username=username)
    token, _created = Token.objects.get_or_create(user=user)
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    device = user.totpdevice_set.first()
    if device is not None:
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.set_expiry(24 * 3600)
    session.save()
    return ({"Authorization": f"Token {token.key}", "Accept-Language": "zh-hans"},
            {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session.session_key}", "Accept-Language": "zh-hans"})


def scenarios():
    """[(name, who, [steps])]; who is a username or None; a step is (method, path, kind 'api'|'page', body)."""
    from approvals.models import Application, ItemReview, ServiceItem
    from portal.models import User

    applicant = (User.objects.filter(username__startswith="b-applicant-").order_by("username").first())
    app = Application.objects.filter(created_by=applicant).order_by("-created_at").first()
    chief = User.objects.get(username="b-chief-49-0")
    department = chief.assignment.department
    item = ServiceItem.objects.filter(department=department, materials__isnull=True, fields__isnull=True).first() \
        or ServiceItem.objects.filter(code__startswith="B-").first()
    review = ItemReview.objects.filter(department=department).order_by("-id").first()
    create = json.dumps({"items": [item.code], "title": "基准提交", "form": {}})
    return [
        ("floor /healthz", None, [("GET", "/healthz", "api", None)]),
        ("catalog API /api/v1/items/", None, [("GET", "/api/v1/items/", "api", None)]),
        ("catalog page /catalog/", None, [("GET", "/catalog/", "page", None)]),
        ("applicant list API", applicant.username, [("GET", "/api/v1/applications/", "api", None)]),
        ("applicant list page", applicant.username, [("GET", "/applications/", "page", None)]),
        ("applicant detail API", applicant.username, [("GET", f"/api/v1/applications/{app.pk}/", "api", None)]),
        ("applicant detail page", applicant.username, [("GET", f"/applications/{app.pk}/", "page", None)]),
        ("chief inbox API (first page)", chief.username, [("GET", "/api/v1/reviews/", "api", None)]),
        ("chief inbox API light=red", chief.username, [("GET", "/api/v1/reviews/?light=red", "api", None)]),
        ("chief inbox page", chief.username, [("GET", "/reviews/", "page", None)]),
        ("chief inbox page light=red", chief.username, [("GET", "/reviews/?light=red", "page", None)]),
        ("chief review detail API", chief.username, [("GET", f"/api/v1/reviews/{review.pk}/", "api", None)]),
        ("chief escalation board page", chief.username, [("GET", "/boards/escalations/", "page", None)]),
        ("leader overdue board page", "b-leader", [("GET", "/boards/overdue/", "page", None)]),
        ("leader inbox API (all departments)", "b-leader", [("GET", "/api/v1/reviews/", "api", None)]),
        ("supervisor overdue board page", "b-supervisor", [("GET", "/boards/overdue/", "page", None)]),
        ("supervisor inbox API red,yellow", "b-supervisor",
         [("GET", "/api/v1/reviews/?light=red,yellow", "api", None)]),
        ("notifications API", applicant.username, [("GET", "/api/v1/notifications/", "api", None)]),
        ("notifications page", applicant.username, [("GET", "/notifications/", "page", None)]),
        ("bundle submission (create + submit)", applicant.username,
         [("POST", "/api/v1/applications/", "api", create), ("POST", "/api/v1/applications/{id}/submit/", "api",
                                                                  json.dumps({"declaration": True}))]),
    ]


def steps_for(steps, who, creds):
    out = []
    for method, path, kind, body in steps:
        headers = {"Accept-Language": "zh-hans"}
        if who:
            token, cookie = creds[who]
            headers = dict(token if kind == "api" else cookie)
        if method == "POST":
            headers["Content-Type"] = "application/json"
        out.append({"method": method, "path": path, "headers": headers, "body": body,
                    "capture": "id" if method == "POST" and path.endswith("/applications/") else None})
    return out


def explain_plans(plan_scenarios, creds_users, path):
    """The SQL of each request, captured in-process, each SELECT explained with ANALYZE and BUFFERS."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from portal.models import User

    lines = []
    for name, who, url in plan_scenarios:
        client = Client(headers={"accept-language": "zh-hans"})
        user = User.objects.get(username=who)
        _token, cookie = creds_users[who]
        client.cookies.load(cookie["Cookie"])
        client.get(url)  # warm
        with CaptureQueriesContext(connection) as captured:
            t0 = time.perf_counter()
            response = client.get(url)
            elapsed = (time.perf_counter() - t0) * 1000
        lines.append(f"### {name}: GET {url} as {user.username} -> {response.status_code}, "
                     f"{len(captured.captured_queries)} queries, {elapsed:.1f} ms in-process\n")
        for q in captured.captured_queries:
            sql = q["sql"]
            if not sql.lstrip().upper().startswith("SELECT") or "django_session" in sql:
                continue
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                plan = "\n".join(row[0] for row in cursor.fetchall())
            lines.append(f"-- {q['time']} s\n{sql}\n{plan}\n")
    Path(path).write_text("\n".join(lines), encoding="utf-8")


def worker_rss(master_pid):
    """Resident memory (MiB) of gunicorn's workers."""
    rss = []
    for pid_dir in Path("/proc").iterdir():
        if not pid_dir.name.isdigit():
            continue
        try:
            status = (pid_dir / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if fields.get("PPid", "").strip() == str(master_pid):
            rss.append(round(int(fields["VmRSS"].split()[0]) / 1024, 1))
    return sorted(rss)


def main():
    args = parse_args()
    if args.drive:
        return drive(args.drive)
    if not args.database_url:
        print("http_bench: skipped; build a data set with bench/generate.py and pass --database-url (or set "
              "BENCH_DATABASE_URL), see docs/performance.md")
        return None
    setup_django(args)
    from django.db import connection

    from approvals.models import Application, ItemReview

    plan_list = scenarios()
    if args.only:
        wanted = {w.strip() for w in args.only.split(",")}
        plan_list = [s for s in plan_list if s[0].startswith("floor") or any(w in s[0] for w in wanted)]
    users = sorted({who for _n, who, _s in plan_list if who} | {"b-chief-49-0", "b-leader", "b-supervisor"})
    creds = {who: credentials(who) for who in users}
    rows = Application.objects.count()
    reviews = ItemReview.objects.count()
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        version = cursor.fetchone()[0].split(" on ")[0]
    connection.close()

    env = dict(os.environ, DATABASE_URL=args.database_url, REDIS_URL=args.redis_url, DEBUG="false",
               LOG_LEVEL="WARNING", DJANGO_SETTINGS_MODULE="portal.settings.base")
    gunicorn = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "portal.wsgi:application", "--bind",
         f"127.0.0.1:{args.port}", "--workers", str(args.workers), "--timeout", "60", "--log-level", "warning"],
        cwd=ROOT, env=env)
    try:
        import urllib.request

        for _ in range(120):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{args.port}/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        else:
            sys.exit("gunicorn did not answer /healthz")
        rss_before = worker_rss(gunicorn.pid)
        load_before = Path("/proc/loadavg").read_text().split()[:3]
        results = []
        floor = None
        for name, who, steps in plan_list:
            spec = {"steps": steps_for(steps, who, creds), "duration": args.duration, "warmup": 2.0,
                    "concurrency": args.concurrency, "port": args.port}
            out = subprocess.run([sys.executable, __file__, "--drive", json.dumps(spec)], capture_output=True,
                                 text=True, cwd=ROOT, env=env)
            if out.returncode != 0:
                print(out.stderr, file=sys.stderr)
                continue
            result = {"name": name, **json.loads(out.stdout)}
            floor = floor or result["rps"]
            result["share_of_floor"] = round(result["rps"] / floor, 3) if floor else None
            results.append(result)
            print(f"{name:45s} {result['rps']:8.1f} req/s  p50 {result['p50_ms']} ms  p95 {result['p95_ms']} ms  "
                  f"p99 {result['p99_ms']} ms  {100 * (result['share_of_floor'] or 0):5.1f}% of floor  "
                  f"{result['statuses']}", flush=True)
        rss_after = worker_rss(gunicorn.pid)
    finally:
        gunicorn.send_signal(signal.SIGTERM)
        gunicorn.wait(timeout=30)

    RESULTS.mkdir(parents=True, exist_ok=True)
    plans_path = RESULTS / f"http-plans-{rows}.txt"
    explain_plans([("chief inbox API", "b-chief-49-0", "/api/v1/reviews/?light=red"),
                   ("chief inbox page", "b-chief-49-0", "/reviews/"),
                   ("leader inbox API", "b-leader", "/api/v1/reviews/"),
                   ("overdue board page", "b-supervisor", "/boards/overdue/"),
                   ("escalation board page", "b-chief-49-0", "/boards/escalations/")], creds, plans_path)
    load = Path("/proc/loadavg").read_text().split()[:3]
    summary = {"rows": rows, "reviews": reviews, "database": version, "broker": "redis" if args.redis_url else "none",
               "workers": args.workers, "concurrency": args.concurrency, "duration_s": args.duration,
               "cores": os.cpu_count(), "loadavg_before": load_before, "loadavg_after": load, "rss_mib_before": rss_before,
               "rss_mib_after": rss_after, "python": platform.python_version(), "machine": platform.machine(),
               "at": datetime.now().astimezone().isoformat(timespec="seconds"), "results": results}
    stem = f"http-postgresql-{rows}"
    (RESULTS / f"{stem}.json").write_text(json.dumps(summary, indent=1, ensure_ascii=False) + "\n")
    md = [f"# HTTP benchmark: {rows:,} applications, {reviews:,} reviews", "",
          f"{version}; gunicorn {args.workers} sync workers; {args.concurrency} concurrent keep-alive clients on "
          f"loopback for {args.duration:.0f} s per scenario; {os.cpu_count()} cores shared with other work "
          f"(load average before the run: {' '.join(load_before)}, after: {' '.join(load)}). Worker RSS MiB before {rss_before}, after {rss_after}.",
          "", "| scenario | req/s | p50 ms | p95 ms | p99 ms | share of floor | statuses |",
          "|---|---:|---:|---:|---:|---:|---|"]
    for r in results:
        md.append(f"| {r['name']} | {r['rps']} | {r['p50_ms']} | {r['p95_ms']} | {r['p99_ms']} | "
                  f"{100 * (r['share_of_floor'] or 0):.1f}% | {r['statuses']} |")
    md += ["", f"Query plans: `{plans_path.name}`."]
    (RESULTS / f"{stem}.md").write_text("\n".join(md) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS / stem}.json, .md and {plans_path.name}")


if __name__ == "__main__":
    main()
