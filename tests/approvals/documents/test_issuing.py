"""Ordering and issuing: one document per subject and kind, an idempotent task queued after commit, the sweep
relaying lost tasks, numbers kept through a failed rendering, immutable files, superseding and revoking."""

import os
import stat

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.utils import timezone

from approvals.documents import issuing, relay, triggers
from approvals.documents.tasks import issue_document
from approvals.models import DocumentCounter, DocumentKind, DocumentStatus, IssuedDocument
from approvals.services.deadlines import sweep
from portal.errors import DomainError, WrongState
from portal.models import AuditEntry
from tests.approvals.deadlines.broker import private_broker, published
from tests.factories.applications import DEFAULT_NOW, shanghai, submitted_application

from .conftest import read, receipt_of

K = DocumentKind
S = DocumentStatus
TASK = "approvals.documents.issue_document"


@pytest.fixture
def broker_queue(tmp_path):
    with private_broker(tmp_path / "celery") as queue:
        yield queue


def test_a_submission_orders_one_receipt_with_the_facts_of_the_moment(cat):
    application = submitted_application(cat)
    receipt = receipt_of(application)
    assert receipt.status == S.PENDING and receipt.number is None and not receipt.file
    assert receipt.department == application.lead_department and receipt.enterprise == cat.enterprise
    assert receipt.facts["application"]["reference"] == application.reference
    assert receipt.facts["received_at"] == "2026年6月1日10时00分"
    assert triggers.submitted(application) == receipt  # ordering again: the same document
    assert IssuedDocument.objects.filter(kind=K.RECEIPT).count() == 1


def test_one_current_document_per_subject_and_kind_is_a_database_constraint(cat):
    receipt = receipt_of(submitted_application(cat))
    with pytest.raises(IntegrityError), transaction.atomic():
        IssuedDocument.objects.create(kind=K.RECEIPT, subject_type=receipt.subject_type, subject_id=receipt.subject_id,
                                      department=receipt.department, title="x")


def test_the_task_issues_once_and_a_second_run_changes_nothing(cat, seals):
    receipt = receipt_of(submitted_application(cat))
    assert issue_document(receipt.pk) == S.VALID
    first = IssuedDocument.objects.get(pk=receipt.pk)
    assert first.number == "渝北城管收〔2026〕第0001号" and len(first.sha256) == 64 and first.size > 1000
    assert issue_document(receipt.pk) == S.VALID  # a redelivered message
    again = IssuedDocument.objects.get(pk=receipt.pk)
    assert (again.number, again.sha256, again.file.name) == (first.number, first.sha256, first.file.name)
    assert DocumentCounter.objects.get().last == 1
    assert AuditEntry.objects.filter(event="document.issued").count() == 1
    assert issue_document(10**9) == "missing"


def test_an_ordered_document_is_queued_only_after_commit(cat, broker_queue, django_capture_on_commit_callbacks):
    application = submitted_application(cat)
    receipt = receipt_of(application)
    receipt_pk = receipt.pk
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            IssuedDocument.objects.filter(pk=receipt_pk).update(status=S.SUPERSEDED)  # make room for a new one
            triggers.submitted(application)
    assert len(callbacks) == 1
    (message,) = published(broker_queue)
    assert message[0] == TASK

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            IssuedDocument.objects.filter(kind=K.RECEIPT, status=S.PENDING).update(status=S.SUPERSEDED)
            triggers.submitted(application)
            raise RuntimeError("the service failed after ordering")
    assert callbacks == [] and len(published(broker_queue)) == 1


def test_the_sweep_publishes_the_task_again_for_a_document_still_pending(cat, broker_queue,
                                                                          django_capture_on_commit_callbacks):
    receipt = receipt_of(submitted_application(cat))
    assert receipt.retry_at == DEFAULT_NOW + issuing.RELAY_AFTER
    too_early = DEFAULT_NOW + issuing.RELAY_AFTER / 2
    with django_capture_on_commit_callbacks(execute=True):
        sweep(now=too_early, relay=False)
    assert [m for m in published(broker_queue) if m[0] == TASK] == []
    moment = DEFAULT_NOW + issuing.RELAY_AFTER
    with django_capture_on_commit_callbacks(execute=True):
        report = sweep(now=moment, relay=False)
        again = sweep(now=moment, relay=False)
    assert report.relayed == 1 and again.relayed == 0
    assert [m for m in published(broker_queue) if m[0] == TASK] == [(TASK, (receipt.pk,))]
    assert IssuedDocument.objects.get(pk=receipt.pk).retry_at == moment + relay.RETRY_EVERY


def test_a_failed_rendering_keeps_the_number_for_the_retry(cat, seals, monkeypatch):
    receipt = receipt_of(submitted_application(cat))
    real = issuing.render_and_seal

    def broken(document):
        raise OSError("the renderer ran out of memory")

    monkeypatch.setattr(issuing, "render_and_seal", broken)
    with pytest.raises(OSError):
        issuing.issue(receipt.pk)
    pending = IssuedDocument.objects.get(pk=receipt.pk)
    assert pending.status == S.PENDING and pending.number == "渝北城管收〔2026〕第0001号"
    monkeypatch.setattr(issuing, "render_and_seal", real)
    issued = issuing.issue(receipt.pk)
    assert issued.status == S.VALID and issued.number == "渝北城管收〔2026〕第0001号"
    assert DocumentCounter.objects.get().last == 1  # no gap, no second number


def test_without_a_seal_nothing_is_rendered_and_the_document_stays_pending(cat, monkeypatch):
    receipt = receipt_of(submitted_application(cat))
    monkeypatch.setattr(issuing, "render_and_seal", lambda document: pytest.fail("rendered without a seal"))
    with pytest.raises(issuing.keystore.SealError, match="seals init"):
        issuing.issue(receipt.pk)
    pending = IssuedDocument.objects.get(pk=receipt.pk)
    assert pending.status == S.PENDING and pending.number is None


def test_an_issued_document_and_its_file_cannot_change(cat, seals):
    document = issuing.issue(receipt_of(submitted_application(cat)).pk)
    mode = stat.S_IMODE(os.stat(document.file.path).st_mode)
    assert mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) == 0
    document.number = "渝北城管收〔2026〕第9999号"
    with pytest.raises(ValueError):
        document.save()
    document = IssuedDocument.objects.get(pk=document.pk)
    document.sha256 = "0" * 64
    with pytest.raises(ValueError):
        document.save()
    with pytest.raises(ValueError):
        IssuedDocument.objects.get(pk=document.pk).delete()


def test_a_correction_supersedes_the_old_document_and_both_are_kept(cat, seals):
    old = issuing.issue(receipt_of(submitted_application(cat)).pk)
    new = issuing.supersede(old, reason="wrong received time")
    assert IssuedDocument.objects.get(pk=old.pk).status == S.SUPERSEDED
    new = issuing.issue(new.pk)
    assert new.supersedes_id == old.pk and new.status == S.VALID
    assert new.number == "渝北城管收〔2026〕第0002号" and new.sha256 != old.sha256
    assert read(old) and read(new)
    with pytest.raises(WrongState):
        issuing.supersede(IssuedDocument.objects.get(pk=old.pk))


def test_an_administrator_revokes_with_a_reason_and_it_is_audited(cat, seals):
    document = issuing.issue(receipt_of(submitted_application(cat)).pk)
    with pytest.raises(DomainError):
        issuing.revoke_document(document, reason="  ", actor=cat.leader)
    at = shanghai(2026, 6, 3, 9, 0)
    revoked = issuing.revoke_document(document, reason="申请人隐瞒有关情况", actor=cat.leader, now=at)
    assert (revoked.status, revoked.revoked_at, revoked.revoked_by) == (S.REVOKED, at, cat.leader)
    entry = AuditEntry.objects.get(event="document.revoked")
    assert entry.actor == cat.leader and entry.data["reason"] == "申请人隐瞒有关情况"
    with pytest.raises(WrongState):
        issuing.revoke_document(revoked, reason="again", actor=cat.leader)


def test_a_pending_document_cannot_be_revoked(cat):
    with pytest.raises(WrongState):
        issuing.revoke_document(receipt_of(submitted_application(cat)), reason="x", actor=cat.leader)


def test_a_deemed_acceptance_orders_a_notice_that_says_so(cat):
    application = submitted_application(cat)
    with time_machine.travel(shanghai(2026, 6, 9, 9, 0), tick=False):
        sweep(relay=False)
    notice = IssuedDocument.objects.get(application=application, kind=K.ACCEPTANCE)
    assert notice.facts["deemed"] is True and notice.facts["received_at"] == "2026年6月1日10时00分"
    assert timezone.localtime(notice.ordered_at).date().isoformat() == "2026-06-09"


def test_issuing_locks_the_document_row_and_not_its_department(cat, seals):
    """On PostgreSQL a plain FOR UPDATE of a join locks every joined row: the department's too, which blocked the
    foreign-key checks of every concurrent submission to that department while the issuing waited for the audit
    chain's lock (a deadlock under load). Every lock the issuing takes on a document names the document only."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if connection.vendor != "postgresql":
        pytest.skip("FOR UPDATE OF is PostgreSQL's; SQLite locks the whole database file")
    receipt = receipt_of(submitted_application(cat))
    with CaptureQueriesContext(connection) as queries:
        assert issue_document(receipt.pk) == S.VALID
    locks = [q["sql"] for q in queries if "FOR UPDATE" in q["sql"] and "approvals_issueddocument" in q["sql"]]
    assert len(locks) >= 2  # the number's reservation and the storing
    assert all('FOR UPDATE OF "approvals_issueddocument"' in sql for sql in locks), locks
