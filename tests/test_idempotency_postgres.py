"""Concurrent retries on PostgreSQL: requests with the same Idempotency-Key sent at the same
moment make one record; the ones that ran beside the first wait for it at the key's unique
index, roll back what they did and answer with its response. Each test commits for real (the
database is flushed afterwards, so what migrations and the session seed is put back)."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client

from safecommune.idempotency.models import StoredResponse
from safecommune.outreach.models import Feedback
from safecommune.receipts.models import PublicReceipt
from tests.reseed import reseed

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]

FEEDBACK = "/api/v1/communes/23776/feedback"
SENDERS = 6


@pytest.fixture(scope="module", autouse=True)
def seeded_after_flush(django_db_setup, django_db_blocker):
    yield
    with django_db_blocker.unblock():
        reseed()


@pytest.fixture
def territories(transactional_db):
    reseed()


def _send_together(bodies: list[dict], key: str) -> list:
    start = threading.Barrier(len(bodies))

    def send(body):
        try:
            start.wait()
            return Client().post(FEEDBACK, json.dumps(body), content_type="application/json",
                                 HTTP_IDEMPOTENCY_KEY=key)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(bodies)) as pool:
        return list(pool.map(send, bodies))


def test_the_same_submission_sent_together_is_one_record_and_one_answer(territories):
    body = {"topic": "question", "text": "Xin hỏi giờ làm việc?"}

    responses = _send_together([body] * SENDERS, key="together-0001")

    assert [r.status_code for r in responses] == [201] * SENDERS
    assert len({r.json()["receipt"] for r in responses}) == 1
    assert sum(r.get("Idempotent-Replayed") == "true" for r in responses) == SENDERS - 1
    assert Feedback.objects.count() == 1 and PublicReceipt.objects.count() == 1
    assert StoredResponse.objects.count() == 1


def test_another_request_under_the_same_key_sent_together_is_refused(territories):
    bodies = [{"topic": "question", "text": f"Câu hỏi số {n}"} for n in range(SENDERS)]

    responses = _send_together(bodies, key="together-0002")

    assert sorted(r.status_code for r in responses) == [201] + [422] * (SENDERS - 1)
    assert Feedback.objects.count() == 1 and PublicReceipt.objects.count() == 1


def test_the_same_report_with_photos_sent_together_is_one_report(territories):
    """Multipart bodies take the same protocol in the public reports' own code."""
    from safecommune.reports.models import Report, ReportPhoto
    from tests.reports.test_public_api import API, body, jpeg

    start = threading.Barrier(SENDERS)
    content = jpeg()

    def send(_):
        try:
            start.wait()
            upload = SimpleUploadedFile("photo.jpg", content, "image/jpeg")
            return Client().post(API, {**body(), "photos": [upload]},
                                 HTTP_IDEMPOTENCY_KEY="together-0003")
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=SENDERS) as pool:
        responses = list(pool.map(send, range(SENDERS)))

    assert [r.status_code for r in responses] == [201] * SENDERS, responses[0].content
    assert len({r.json()["receipt"] for r in responses}) == 1
    assert Report.objects.count() == 1 and ReportPhoto.objects.count() == 1

