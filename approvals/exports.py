"""Any table of the supervision pages as CSV or XLSX: `table_response(title, headers, rows, fmt)`.

`rows` is any iterable of tuples, and is consumed once, lazily: the lists pass `values_list(...).iterator()`,
so rows come from SQL in chunks (a server-side cursor on PostgreSQL) and never as model instances, and memory
stays bounded whatever the number of rows.

CSV is UTF-8 with a byte-order mark (so spreadsheet programs read Chinese correctly), streamed to the client as
it is written. XLSX is written by openpyxl in write-only mode (each row goes to a temporary file as it is
appended, constant memory), then the finished file is streamed from disk. Cells starting with = + - @ are
prefixed with a quote so a spreadsheet never runs them as formulas (CSV injection)."""

import csv
import tempfile

from django.http import FileResponse, StreamingHttpResponse
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


class _Line:
    """A file-like object whose write() hands back the line csv.writer wrote."""

    def write(self, value):
        return value


def csv_lines(headers, rows):
    writer = csv.writer(_Line())
    yield ("\ufeff" + writer.writerow(headers)).encode("utf-8")
    for row in rows:
        yield writer.writerow([_safe(v) for v in row]).encode("utf-8")


def table_response(name: str, headers, rows, fmt: str):
    headers = [str(h) for h in headers]
    filename = f"{name}-{timezone.localdate():%Y%m%d}.{fmt}"
    if fmt == "xlsx":
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet(name[:31])
        sheet.append(headers)
        for row in rows:
            sheet.append([_safe(v) for v in row])
        out = tempfile.TemporaryFile()  # deleted when the response closes it
        book.save(out)
        out.seek(0)
        response = FileResponse(out, content_type=XLSX)
    else:
        response = StreamingHttpResponse(csv_lines(headers, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
