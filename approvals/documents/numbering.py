"""Document numbers: 渝北城管许〔2026〕第0001号 = department prefix + series + 〔year〕 + 第NNNN号.

One counter row per (department, year, series), locked with SELECT ... FOR UPDATE while a number is taken, in the
same transaction that writes the number onto its document: two workers never get the same number, and a rolled
back transaction gives its number back, so the numbers of a series have no gaps.
"""

from django.db import IntegrityError, transaction

from approvals.models import DocumentCounter
from approvals.models.documents import NUMBER_SERIES


def department_prefix(department) -> str:
    return department.document_prefix or department.short_name or department.name


def format_number(department, kind, year: int, sequence: int) -> str:
    return f"{department_prefix(department)}{NUMBER_SERIES[kind]}〔{year}〕第{sequence:04d}号"


def _counter_pk(department, year, series) -> int:
    counter = DocumentCounter.objects.filter(department=department, year=year, series=series).first()
    if counter is not None:
        return counter.pk
    try:
        with transaction.atomic():  # a savepoint: losing the race to create the row is not an error
            return DocumentCounter.objects.create(department=department, year=year, series=series).pk
    except IntegrityError:
        return DocumentCounter.objects.get(department=department, year=year, series=series).pk


def take(department, kind, year: int) -> tuple[str, int]:
    """The next number of the series, inside the caller's transaction: (number, sequence)."""
    assert transaction.get_connection().in_atomic_block, "take a number inside the transaction that uses it"
    series = NUMBER_SERIES[kind]
    counter = DocumentCounter.objects.select_for_update().get(pk=_counter_pk(department, year, series))
    counter.last += 1
    counter.save(update_fields=["last"])
    return format_number(department, kind, year, counter.last), counter.last
