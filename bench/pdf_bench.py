"""Time rendering and sealing of every kind of document, and watch the process's memory (no database).

    .venv/bin/python bench/pdf_bench.py [--n 500] [--seed 2026]

`--n` documents in all, the kinds taken in turn (500: about 42 of each of the 12 kinds). Each document is what the
issuing task does between its two transactions: `render_document` (WeasyPrint, Noto CJK, the seal drawn, the QR
code for certificates) then `seal_pdf` (pyHanko PAdES B-B, ECDSA P-256, 4 KB reserved). The facts are realistic
view models of each kind (the same templates the portal uses); the seals are created in a temporary folder.

Prints, per kind, the median and p95 of render, seal and both (wall-clock time), the median CPU time of both (the
process's own, less disturbed by other work on a shared machine), and the pages; the resident set size after the
warm-up and every 50 documents (no growth = no leak); and the load average before and after the run, which says
how far the wall-clock figures were slowed by other processes. Writes bench/results/pdf.json.
"""

import argparse
import json
import os
import platform
import random
import resource
import statistics
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402  (same folder)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.base")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

from approvals.documents import keystore  # noqa: E402
from approvals.documents.contents import spec_for  # noqa: E402
from approvals.documents.contents.supervision import SECTION_NAMES  # noqa: E402
from approvals.documents.issuing import _context  # noqa: E402
from approvals.documents.pdf import render_document  # noqa: E402
from approvals.documents.signing import seal_pdf  # noqa: E402
from approvals.models import Department, DocumentKind, IssuedDocument  # noqa: E402
from approvals.models.documents import OFFICIAL_TITLES  # noqa: E402

SH = ZoneInfo("Asia/Shanghai")
K = DocumentKind


def facts_of(kind: str, rng: random.Random) -> dict:
    """A realistic view model of `kind` (the shape `approvals.documents.contents` captures)."""
    application = {
        "reference": f"YB20260601{rng.randrange(10**6):06d}", "title": "城管三合一：市政设施、绿地树木、道路照明一件事",
        "package": "城管三合一", "applicant": "重庆大江北辰新能源汽车产业发展有限公司",
        "credit_code": "91500112MA5YB0D01X", "legal_representative": "刘建军", "address": "重庆市渝北区临空前沿科技城",
        "channel": "网上申请", "agent": "",
        "items": [{"code": f"CG-XK-00{i}", "name": name, "department": "重庆市渝北区城市管理局", "promised_days": 4,
                   "legal_days": 20}
                  for i, name in enumerate(["市政设施建设类审批", "工程建设涉及城市绿地、树木审批",
                                            "占用、迁移、拆除城市道路照明设施审核"], start=1)],
    }
    item = {"code": "CG-XK-002", "name": "工程建设涉及城市绿地、树木审批", "legal_basis": "《城市绿化条例》",
            "promised_days": 4, "legal_days": 20}
    fee = {"item": item["name"], "name": "城市园林绿化补偿费（草坪）", "unit": "元/平方米", "quantity": "319.11",
           "rates": "20.00–40.00", "basis": "《重庆市城市园林绿化条例》", "standard": "12,764.40",
           "charged": "6,382.20", "saving": "6,382.20", "paid_at": "2026年6月5日15时00分",
           "receipt_number": "FS2026060500001"}
    totals = {"standard": "12,764.40", "charged": "6,382.20", "saving": "6,382.20"}
    review = {"application": application, "item": item, "started_at": "2026年6月2日"}
    return {
        K.RECEIPT: {"application": application, "received_at": "2026年6月1日10时00分", "supplement_of": "",
                    "acceptance_due": "2026年6月8日17时30分", "basis": "《中华人民共和国行政许可法》第三十二条",
                    "materials": [{"name": n, "version": 1, "pages": 3, "on_file": n == "营业执照",
                                   "sha256": "a1b2c3d4e5f60718"} for n in ["营业执照", "工程位置示意图",
                                                                          "城市管理行政许可申请表", "施工方案及交通导改方案"]]},
        K.ACCEPTANCE: {"application": application, "received_at": "2026年6月1日10时00分",
                       "accepted_at": "2026年6月2日14时00分", "deemed": False, "joint": False,
                       "basis": "《中华人民共和国行政许可法》第三十二条、第四十二条",
                       "stages": [{"order": 1, "name": "城管联合审批", "lead": "区城市管理局",
                                   "items": [{"name": i["name"], "department": "区城市管理局", "promised_days": 4,
                                              "legal_days": 20, "due": "2026年6月8日", "legal_due": "2026年6月30日"}
                                             for i in application["items"]]}]},
        K.NOT_ACCEPTED: {"application": application, "received_at": "2026年6月1日10时00分",
                         "decided_at": "2026年6月2日9时00分", "reason": "该事项不属于本机关受理范围。",
                         "apply_instead_to": "重庆市渝北区市场监督管理局", "remedies": "六十日内……六个月内……",
                         "basis": "第三十二条第一款"},
        K.SUPPLEMENT: {"application": application, "received_at": "2026年6月1日10时00分",
                       "requested_at": "2026年6月1日11时00分", "basis": "第三十二条第一款第（四）项",
                       "problems": [{"kind": "申请材料", "name": "工程位置示意图", "reason": "未标注占用绿地范围。"},
                                    {"kind": "申请表填写项", "name": "项目名称", "reason": "应与立项文件一致。"}]},
        K.SUSPENSION: {**review, "kind": "专家评审", "reason": "涉及古树名木，需组织专家论证。", "expected_days": 3,
                       "started_at": "2026年6月3日10时00分", "basis": "第四十五条"},
        K.EXTENSION: {**review, "days": 5, "reason": "专家论证意见需补充现场核查。", "approved_by": "陈志远",
                      "extended_at": "2026年6月4日10时00分", "due": "2026年6月15日17时30分",
                      "legal_due": "2026年7月7日", "suspended": False, "basis": "第四十二条"},
        K.GRANT: {**review, "grant": True, "reasons": "符合占用城市绿地的条件，同意临时占用。", "on_commitment": False,
                  "issues": "占用城市绿地、移植树木准予行政许可决定书", "certificate": "", "decided_at": "2026年6月5日10时00分",
                  "signer": "张明（首席代表）", "signed_at": "2026年6月5日10时00分", "signature_sha256": "ab" * 32,
                  "remedies": "", "remedy_note": "", "basis": "第三十八条第一款"},
        K.REFUSAL: {**review, "grant": False, "reasons": "绿地面积超出规划指标。", "on_commitment": False, "issues": "",
                    "certificate": "", "decided_at": "2026年6月5日10时00分", "signer": "张明",
                    "signed_at": "2026年6月5日10时00分", "signature_sha256": "cd" * 32,
                    "remedies": "六十日内……六个月内……", "remedy_note": "", "basis": "第三十八条第二款"},
        K.CERTIFICATE: {"name": "建设用地规划许可证", "holder": application["applicant"],
                        "credit_code": application["credit_code"], "legal_representative": "刘建军",
                        "item": "建设用地规划许可证核发", "item_code": "GH-XK-001", "on_commitment": False,
                        "scope": [{"label": "项目名称", "value": "临空前沿科技城研发楼"},
                                  {"label": "用地位置", "value": "渝北区悦港大道北侧"},
                                  {"label": "用地面积", "value": "25,300.00 m²"}],
                        "decided_at": "2026年6月5日", "reference": application["reference"],
                        "department": "重庆市渝北区规划自然资源局", "validity_years": 0},
        K.PAYMENT_NOTICE: {"application": application, "fees": [fee], "totals": totals,
                           "payment_code": "5001122026000123"},
        K.E_RECEIPT: {"application": application, "fees": [fee], "totals": totals, "payment_code": "5001122026000123",
                      "receipt_numbers": ["FS2026060500001"], "paid_at": "2026年6月5日15时00分"},
        K.CATALOG_NOTICE: {"package": None, "stages": [], "complaints": "12345政务服务便民热线",
                           "items": [{"code": "CG-XK-002", "name": item["name"], "department": "重庆市渝北区城市管理局",
                                      "kind": "行政许可", "conditions": "因工程建设确需临时占用城市绿地。",
                                      "legal_basis": "《城市绿化条例》", "promised_days": 4, "legal_days": 20,
                                      "immediate": False, "commitment": False, "issues": "准予行政许可决定书",
                                      "online": True, "delivery": ["电子证照", "邮寄送达"],
                                      "fees": [{"name": fee["name"], "unit": "元/平方米", "min": "20.00",
                                                "max": "40.00", "lower_bound": True, "basis": ""}],
                                      "contact": {"section": "区城市管理局行政审批科", "window": "12号窗口",
                                                  "phone": "023-67800012"}}],
                           "materials": [{"name": "城市管理行政许可申请表", "description": "一张表申请。",
                                          "required": True, "copies": 1, "notes": [], "on_file": False,
                                          "items": [item["name"]], "max_pages": 4}]},
        K.MONTHLY_REPORT: {"year": 2026, "month": 5, "scope": "", "computed_at": "2026年6月1日2时00分",
                           "sections": [{"name": name, "figures": [
                               {"key": f"{name}-{i}", "label": label, "shown": f"{rng.uniform(0, 100):.1f}%"}
                               for i, label in enumerate(["收件量", "受理量", "办结量", "按时办结率", "平均用时（工作日）",
                                                          "承诺时限压缩比"])]}
                               for name in SECTION_NAMES.values()],
                           "ranking": [{"name": f"区第{n}部门", "decided": rng.randrange(50, 900),
                                        "on_time": rng.randrange(40, 800), "rate": f"{rng.uniform(85, 100):.1f}%",
                                        "overdue": rng.randrange(0, 12)} for n in range(1, 13)]},
    }[kind]


def pct(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def rss_mb() -> float:
    with open("/proc/self/status") as status:  # current resident set size (ru_maxrss is only the peak)
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=500, help="documents in all, the kinds taken in turn")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    run = common.Run()
    rng = random.Random(args.seed)

    settings.SEALS_DIR = Path(tempfile.mkdtemp(prefix="pdf-bench-seals-"))
    settings.SEAL_TIMESTAMP_URL = ""
    department = Department(code="bench", name="区城市管理局", short_name="城管", document_prefix="渝北城管",
                            approval_section="区城市管理局行政审批科")
    keystore.init([department])
    kinds = list(K.values)

    def one(kind, sequence):
        title = OFFICIAL_TITLES[kind] if kind != K.CERTIFICATE else "建设用地规划许可证"
        document = IssuedDocument(kind=kind, facts=facts_of(kind, rng), title=title, department=department,
                                  number=f"渝北城管许〔2026〕第{sequence:04d}号",
                                  issued_at=datetime(2026, 6, 5, 16, 0, tzinfo=SH),
                                  valid_until=date(2028, 6, 4) if kind == K.CERTIFICATE else None)
        t0, c0 = time.perf_counter(), time.process_time()
        rendered = render_document(spec_for(kind).template, _context(document))
        t1 = time.perf_counter()
        sealed = seal_pdf(rendered.pdf, department=department, placement=rendered.seal, reason=document.number)
        t2, c2 = time.perf_counter(), time.process_time()
        return (t1 - t0) * 1000, (t2 - t1) * 1000, (c2 - c0) * 1000, rendered.pages, len(sealed)

    for kind in kinds:  # warm-up: fonts, templates, the signer's key
        one(kind, 1)
    rss_after_warmup = rss_mb()
    timings = {kind: {"render": [], "seal": [], "total": [], "cpu": [], "pages": 0, "bytes": 0} for kind in kinds}
    rss_samples = []
    load_before = os.getloadavg()
    started = time.perf_counter()
    for index in range(args.n):
        kind = kinds[index % len(kinds)]
        render_ms, seal_ms, cpu_ms, pages, size = one(kind, index + 2)
        row = timings[kind]
        row["render"].append(render_ms)
        row["seal"].append(seal_ms)
        row["total"].append(render_ms + seal_ms)
        row["cpu"].append(cpu_ms)
        row["pages"], row["bytes"] = pages, size
        if (index + 1) % 50 == 0:
            rss_samples.append(round(rss_mb(), 1))
    elapsed = time.perf_counter() - started
    load_after = os.getloadavg()

    summary = {}
    print(f"{'kind':<16}{'n':>4}{'pages':>6}{'KB':>6}  {'render med/p95 ms':>18}  {'seal med/p95 ms':>16}  "
          f"{'total med/p95 ms':>17}  {'CPU med ms':>10}")
    for kind in kinds:
        row = timings[kind]
        if not row["total"]:
            continue
        entry = {
            "n": len(row["total"]), "pages": row["pages"], "kb": round(row["bytes"] / 1024),
            **{f"{part}_median_ms": round(statistics.median(row[part]), 1) for part in ("render", "seal", "total")},
            **{f"{part}_p95_ms": round(pct(row[part], 0.95), 1) for part in ("render", "seal", "total")},
            "cpu_median_ms": round(statistics.median(row["cpu"]), 1),
        }
        summary[kind] = entry
        print(f"{kind:<16}{entry['n']:>4}{entry['pages']:>6}{entry['kb']:>6}  "
              f"{entry['render_median_ms']:>8.0f} / {entry['render_p95_ms']:<7.0f}  "
              f"{entry['seal_median_ms']:>7.0f} / {entry['seal_p95_ms']:<6.0f}  "
              f"{entry['total_median_ms']:>8.0f} / {entry['total_p95_ms']:<6.0f}  {entry['cpu_median_ms']:>10.0f}")
    print(f"{args.n} documents in {elapsed:.1f} s; RSS after warm-up {rss_after_warmup:.0f} MB, every 50 documents: "
          f"{rss_samples} MB; peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    print(f"load average (1, 5, 15 min) before {load_before}, after {load_after} on {os.cpu_count()} CPUs")

    result = {
        "n": args.n, "seed": args.seed, "kinds": summary,
        "rss_after_warmup_mb": round(rss_after_warmup, 1), "rss_every_50_mb": rss_samples,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "seconds": round(elapsed, 1), "python": platform.python_version(), "machine": platform.machine(),
        "cpus": os.cpu_count(), "load_average_before": [round(v, 2) for v in load_before],
        "load_average_after": [round(v, 2) for v in load_after], "at": datetime.now(SH).isoformat(timespec="seconds"),
    }
    run.stamp(result)
    out = common.results_dir() / "pdf.json"
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    common.note_result(out)
    print(f"written {out}")


if __name__ == "__main__":
    main()
