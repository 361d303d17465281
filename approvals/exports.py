"""Any table of the supervision pages as CSV or XLSX: `table_response(title, headers, rows, fmt)`.

CSV is UTF-8 with a byte-order mark (so spreadsheet programs read Chinese correctly); XLSX is written by openpyxl
in write-only mode (rows streamed, constant memory). Cells starting with = + - @ are prefixed with a quote so a
spreadsheet never runs them as formulas (CSV injection)."""

import csv
import io

from django.http import HttpResponse
from django.utils import timezone

FORMATS = ("csv", "xlsx")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _safe(value):
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    if hasattr(value, "tzinfo") and getattr(value, "tzinfo", None) is not None:
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return value if isinstance(value, (int, float)) else str(value)


def table_response(name: str, headers, rows, fmt: str) -> HttpResponse:
    headers = [str(h) for h in headers]
    filename = f"{name}-{timezone.localdate():%Y%m%d}.{fmt}"
    if fmt == "xlsx":
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet(name[:31])
        sheet.append(headers)
        for row in rows:
            sheet.append([_safe(v) for v in row])
        out = io.BytesIO()
        book.save(out)
        response = HttpResponse(out.getvalue(), content_type=XLSX)
    else:
        out = io.StringIO()
        out.write("\ufeff")
        writer = csv.writer(out)
        writer.writerow(headers)
        for row in rows:
            writer.writerow([_safe(v) for v in row])
        response = HttpResponse(out.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
