"""A retried POST with the same Idempotency-Key creates exactly one record."""

import json

import pytest

from safecommune.accounts.roles import Role
from safecommune.idempotency.models import StoredResponse
from safecommune.outreach.models import Feedback
from safecommune.receipts.models import PublicReceipt
from safecommune.territory.models import Village

FEEDBACK = "/api/v1/communes/23776/feedback"


def post(client, url, body, key=None, **extra):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(url, json.dumps(body), content_type="application/json", **headers,
                       **extra)


def test_retried_public_submission_creates_one_record_and_returns_the_same_receipt(client, db):
    body = {"topic": "question", "text": "Xin hỏi?"}
    first = post(client, FEEDBACK, body, key="retry-0001-abcd")
    again = post(client, FEEDBACK, body, key="retry-0001-abcd")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert Feedback.objects.count() == 1 and PublicReceipt.objects.count() == 1


def test_stored_response_does_not_reveal_the_receipt_secret(client, db):
    secret = post(client, FEEDBACK, {"topic": "question", "text": "x"},
                  key="retry-0002-abcd").json()["secret"]
    stored = StoredResponse.objects.get()
    assert secret.encode() not in bytes(stored.body)
    assert "retry-0002-abcd" not in stored.lookup


def test_without_a_key_each_post_is_new(client, db):
    body = {"topic": "question", "text": "x"}
    post(client, FEEDBACK, body)
    post(client, FEEDBACK, body)
    assert Feedback.objects.count() == 2


def test_same_key_for_another_request_is_refused(client, db):
    post(client, FEEDBACK, {"topic": "question", "text": "one"}, key="retry-0003-abcd")
    response = post(client, FEEDBACK, {"topic": "question", "text": "two"},
                    key="retry-0003-abcd")
    assert response.status_code == 422
    assert response.json()["errors"][0] == {
        "field": "Idempotency-Key", "rule": "reused",
        "message": response.json()["errors"][0]["message"]}
    assert Feedback.objects.count() == 1


def test_a_key_held_without_an_answer_is_409_and_the_retry_writes_nothing(client, db):
    """A row without an answer: left by the first version of the protocol while its request
    ran (it claimed the key before running)."""
    body = {"topic": "question", "text": "x"}
    post(client, FEEDBACK, body, key="retry-0004-abcd")
    StoredResponse.objects.update(status=None)
    response = post(client, FEEDBACK, body, key="retry-0004-abcd")
    assert response.status_code == 409
    assert response.json()["errors"][0]["rule"] == "in_progress"
    assert Feedback.objects.count() == 1


@pytest.mark.parametrize("key", ["short", "has space in it", "x" * 129, "ünicode-key-1"])
def test_malformed_key_is_400(client, db, key):
    response = post(client, FEEDBACK, {"topic": "question", "text": "x"}, key=key)
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "Idempotency-Key"
    assert not Feedback.objects.exists()


def test_keys_are_per_caller(client, make_user, units):
    officer = make_user(Role.COMMUNE_OFFICER, units("2025", "23776"))
    client.force_login(officer)
    post(client, "/api/v1/communes/23776/villages", {"name": "Làng A"}, key="retry-0005-abcd")
    other = client.__class__()
    other.force_login(make_user(Role.COMMUNE_OFFICER, units("2025", "23776")))
    response = post(other, "/api/v1/communes/23776/villages", {"name": "Làng B"},
                    key="retry-0005-abcd")
    assert response.status_code == 201
    assert Village.objects.count() == 2


def test_error_responses_are_replayed_too_and_write_nothing(client, make_user, units):
    client.force_login(make_user(Role.COMMUNE_OFFICER, units("2025", "23776")))
    url = "/api/v1/communes/23776/villages"
    first = post(client, url, {"name": ""}, key="retry-0006-abcd")
    again = post(client, url, {"name": ""}, key="retry-0006-abcd")
    assert first.status_code == again.status_code == 422
    assert not Village.objects.exists()


def test_old_responses_are_pruned(client, db, settings):
    from datetime import timedelta

    from django.utils import timezone

    from safecommune.idempotency.tasks import prune_stored_responses

    post(client, FEEDBACK, {"topic": "question", "text": "x"}, key="retry-0007-abcd")
    StoredResponse.objects.update(created_at=timezone.now() - timedelta(hours=25))
    assert prune_stored_responses.call() == 1


def test_a_key_past_its_hours_is_taken_again_by_a_new_request(client, db):
    from datetime import timedelta

    from django.utils import timezone

    post(client, FEEDBACK, {"topic": "question", "text": "one"}, key="retry-0008-abcd")
    StoredResponse.objects.update(created_at=timezone.now() - timedelta(hours=25))
    response = post(client, FEEDBACK, {"topic": "question", "text": "two"},
                    key="retry-0008-abcd")
    assert response.status_code == 201 and "Idempotent-Replayed" not in response
    assert Feedback.objects.count() == 2
    stored = StoredResponse.objects.get()
    assert stored.status == 201 and stored.created_at > timezone.now() - timedelta(minutes=1)


def _fail_keeping(monkeypatch):
    from django.db import DatabaseError

    from safecommune.idempotency import middleware

    def fail(*args, **kwargs):
        raise DatabaseError("the disk is full")

    monkeypatch.setattr(middleware, "keep_new", fail)


def _fail_after_the_write(monkeypatch):
    from safecommune.outreach import services as outreach_services

    real = outreach_services.feedback_submit

    def submit_then_fail(*args, **kwargs):
        real(*args, **kwargs)
        raise RuntimeError("after the write")

    monkeypatch.setattr(outreach_services, "feedback_submit", submit_then_fail)


@pytest.mark.parametrize("failure", [_fail_keeping, _fail_after_the_write],
                         ids=["keeping-the-answer-fails", "the-view-fails-after-writing"])
def test_a_server_error_keeps_nothing_and_writes_nothing(client, db, monkeypatch, failure):
    """The records and the kept answer commit together: if the answer cannot be kept, or the
    view fails after writing, nothing stays — a retry runs again instead of finding a record
    without an answer."""
    failure(monkeypatch)
    client.raise_request_exception = False
    response = post(client, FEEDBACK, {"topic": "question", "text": "x"}, key="retry-0009-abcd")
    assert response.status_code == 500
    assert not Feedback.objects.exists() and not PublicReceipt.objects.exists()
    assert not StoredResponse.objects.exists()
