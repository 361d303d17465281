"""Numbers: 渝北城管许〔2026〕第0001号, one gapless series per department, year and kind; unique under concurrency."""

import threading

import pytest
from django.db import close_old_connections, connection, connections, transaction

from approvals.documents import numbering
from approvals.models import DocumentCounter, DocumentKind
from tests.factories.approvals import DepartmentFactory

K = DocumentKind
pytestmark = pytest.mark.django_db


@pytest.fixture
def urban():
    return DepartmentFactory(code="num-urban", name="区城市管理局", short_name="城管", document_prefix="渝北城管")


def take(department, kind, year=2026):
    with transaction.atomic():
        return numbering.take(department, kind, year)[0]


def test_the_format_and_the_series(urban):
    assert take(urban, K.GRANT) == "渝北城管许〔2026〕第0001号"
    assert take(urban, K.GRANT) == "渝北城管许〔2026〕第0002号"
    assert take(urban, K.REFUSAL) == "渝北城管不许〔2026〕第0001号"
    assert take(urban, K.GRANT, 2027) == "渝北城管许〔2027〕第0001号"
    other = DepartmentFactory(code="num-health", name="区卫生健康委", short_name="卫健", document_prefix="")
    assert take(other, K.GRANT) == "卫健许〔2026〕第0001号"  # without a prefix: the short name


def test_a_rolled_back_transaction_gives_its_number_back(urban):
    with pytest.raises(RuntimeError), transaction.atomic():
        numbering.take(urban, K.RECEIPT, 2026)
        raise RuntimeError
    assert take(urban, K.RECEIPT) == "渝北城管收〔2026〕第0001号"


@pytest.mark.django_db(transaction=True)
def test_concurrent_workers_get_distinct_consecutive_numbers():
    if connection.vendor != "postgresql":
        pytest.skip("Row locks need PostgreSQL; SQLite serialises writers (IMMEDIATE transactions).")
    department = DepartmentFactory(code="num-race", document_prefix="渝北城管")
    workers = 6
    barrier = threading.Barrier(workers)
    numbers, errors = [], []

    def work():
        close_old_connections()
        try:
            barrier.wait(timeout=10)
            with transaction.atomic():
                number, _sequence = numbering.take(department, K.GRANT, 2026)
            numbers.append(number)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(numbers) == [f"渝北城管许〔2026〕第{n:04d}号" for n in range(1, workers + 1)]
    assert DocumentCounter.objects.get(department=department).last == workers
