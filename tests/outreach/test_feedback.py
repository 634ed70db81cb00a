"""Residents send feedback without an account and follow it with a receipt; staff answer."""

import json
import logging

import pytest
from django.apps import apps
from django.db import connection

from safecommune.accounts.roles import Role
from safecommune.core.audit import audit_verify
from safecommune.outreach.models import Feedback, FeedbackMessage
from safecommune.receipts.models import PublicReceipt
from safecommune.receipts.services import secret_digest
from safecommune.territory.services import commune_settings_update

IA_KRAI = "23776"
API = "/api/v1"
ADDRESS, AGENT, COOKIE = "203.0.113.77", "UniqueAgent/9.9 (fingerprint)", "trackme-4242"


def send(client, payload=None, **extra):
    body = payload if payload is not None else {"topic": "question",
                                                "text": "Xin hỏi thủ tục đăng ký tạm trú?"}
    return client.post(f"{API}/communes/{IA_KRAI}/feedback", json.dumps(body),
                       content_type="application/json", **extra)


def follow(client, code, secret):
    return client.post(f"{API}/receipts/feedback", json.dumps({"code": code, "secret": secret}),
                       content_type="application/json")


def test_anonymous_feedback_gives_a_receipt_and_stores_only_a_digest(client, db):
    response = send(client)
    assert response.status_code == 201
    data = response.json()
    receipt = PublicReceipt.objects.get()
    assert data["receipt"].replace("-", "") == receipt.code
    assert receipt.secret_digest == secret_digest(data["secret"])
    assert len(data["secret"]) >= 32
    assert data["secret"] not in str(list(PublicReceipt.objects.values()))


def test_nothing_identifying_the_sender_is_stored_or_logged(client, db, caplog):
    client.cookies["tracker"] = COOKIE
    with caplog.at_level(logging.DEBUG):
        response = send(client, REMOTE_ADDR=ADDRESS, HTTP_USER_AGENT=AGENT)
        data = response.json()
        follow(client, data["receipt"], data["secret"])
        follow(client, data["receipt"], "wrong-secret")
    assert response.status_code == 201
    dumped = []
    with connection.cursor() as cursor:
        for model in apps.get_models():
            table = model._meta.db_table
            cursor.execute(f'SELECT * FROM "{table}"')
            dumped.append(repr(cursor.fetchall()))
    stored = "\n".join(dumped)
    logged = caplog.text
    for trace in (ADDRESS, AGENT, COOKIE, "UniqueAgent"):
        assert trace not in stored, trace
        assert trace not in logged, trace
    assert data["secret"] not in stored and data["secret"] not in logged


def test_follow_with_receipt_shows_the_conversation_and_answers(client, make_user, units):
    data = send(client).json()
    officer = make_user(Role.COMMUNE_OFFICER, units("2025", IA_KRAI))
    feedback = Feedback.objects.get()
    staff = client.__class__()
    staff.force_login(officer)
    answer = staff.post(f"{API}/feedback/{feedback.pk}/answer",
                        json.dumps({"text": "Mang CCCD đến trụ sở công an xã."}),
                        content_type="application/json")
    assert answer.status_code == 201
    conversation = follow(client, data["receipt"].lower(), data["secret"]).json()
    assert conversation["status"] == "answered"
    assert [m["from_public"] for m in conversation["messages"]] == [True, False]


def test_resident_adds_to_their_feedback_and_it_reopens(client, make_user, units):
    data = send(client).json()
    feedback = Feedback.objects.get()
    from safecommune.outreach.services import feedback_answer

    feedback_answer(actor=make_user(Role.COMMUNE_CHIEF, units("2025", IA_KRAI)),
                    feedback=feedback, text="Đã nhận.")
    response = client.post(f"{API}/receipts/feedback/messages",
                           json.dumps({"code": data["receipt"], "secret": data["secret"],
                                       "text": "Cảm ơn, tôi cần giấy tờ gì?"}),
                           content_type="application/json")
    assert response.status_code == 201
    feedback.refresh_from_db()
    assert feedback.status == "received" and feedback.messages.count() == 3


@pytest.mark.parametrize("tamper", ["secret", "code", "both"])
def test_tampered_receipt_is_the_same_404(client, db, tamper):
    data = send(client).json()
    code, secret = data["receipt"], data["secret"]
    if tamper in ("secret", "both"):
        secret = secret[:-1] + ("A" if secret[-1] != "A" else "B")
    if tamper in ("code", "both"):
        code = ("0" if code[0] != "0" else "1") + code[1:]
    response = follow(client, code, secret)
    assert response.status_code == 404
    assert response.json()["errors"][0]["rule"] == "receipt"


def test_guessing_one_receipts_secret_locks_it(client, db, settings):
    settings.SAFECOMMUNE_PUBLIC_RATE_LIMITS = {"lookup": 10_000}
    data = send(client).json()
    statuses = [follow(client, data["receipt"], f"guess-{n}").status_code for n in range(1000)]
    assert statuses[:10] == [404] * 10 and set(statuses[10:]) == {429}
    # Even the right secret waits now: the guesser cannot tell when they hit it.
    assert follow(client, data["receipt"], data["secret"]).status_code == 429


def test_one_address_is_rate_limited_on_submissions(client, db):
    statuses = [send(client, REMOTE_ADDR="198.51.100.9").status_code for _ in range(11)]
    assert statuses[:10] == [201] * 10 and statuses[10] == 429
    assert send(client, REMOTE_ADDR="198.51.100.10").status_code == 201
    assert Feedback.objects.count() == 11


def test_lookups_are_rate_limited_per_address(client, db):
    statuses = [follow(client, f"AAAAA-{n:05d}", "x").status_code for n in range(31)]
    assert statuses[:30] == [404] * 30 and statuses[30] == 429


@pytest.mark.parametrize("payload,field,rule", [
    ({"topic": "gossip", "text": "x"}, "topic", "enum"),
    ({"topic": "question", "text": ""}, "text", "string_too_short"),
    ({"topic": "question", "text": "   "}, "text", "required"),
    ({"topic": "question", "text": "x" * 4001}, "text", "string_too_long"),
    ({"topic": "question", "text": "x", "contact_phone": "call me"}, "contact_phone", "phone"),
    ({"topic": "question", "text": "x", "village_id": 999999}, "village_id", "exists"),
])
def test_bad_feedback_is_refused_and_nothing_written(client, db, payload, field, rule):
    response = send(client, payload)
    assert 400 <= response.status_code < 500
    error = response.json()["errors"][0]
    assert (error["field"], error["rule"]) == (field, rule)
    assert not Feedback.objects.exists() and not FeedbackMessage.objects.exists()
    assert not PublicReceipt.objects.exists()


def test_closed_commune_takes_no_feedback(client, units):
    commune_settings_update(commune=units("2025", IA_KRAI), public_pages_open=False)
    assert send(client).status_code == 404
    assert client.get(f"/communes/{IA_KRAI}/feedback/").status_code == 404
    assert not Feedback.objects.exists()


def test_submission_is_audited_without_the_message(client, db):
    from safecommune.core.models import AuditEntry

    send(client, {"topic": "complaint", "text": "Nội dung riêng tư 123"})
    entry = AuditEntry.objects.get(action="feedback.submit")
    assert entry.commune.code == IA_KRAI
    assert "riêng tư" not in json.dumps(entry.details, ensure_ascii=False)
    assert audit_verify().ok


def test_inbox_is_scoped_to_the_communes_staff(client, make_user, units):
    send(client)
    url = f"{API}/communes/{IA_KRAI}/feedback"
    officer = make_user(Role.COMMUNE_OFFICER, units("2025", IA_KRAI))
    other = make_user(Role.COMMUNE_OFFICER, units("2025", "06724"))
    viewer = make_user(Role.PROVINCE_VIEWER, units("2025", "52"))
    resident = make_user(Role.RESIDENT, units("2025", IA_KRAI))
    for user, status, count in [(officer, 200, 1), (viewer, 200, 1), (other, 404, None),
                                (resident, 404, None)]:
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == status
        if count is not None:
            assert len(response.json()) == count


def test_feedback_of_another_commune_is_404_like_missing(client, make_user, units):
    send(client)
    feedback = Feedback.objects.get()
    client.force_login(make_user(Role.COMMUNE_OFFICER, units("2025", "06724")))
    assert client.get(f"/feedback/{feedback.pk}/").status_code == 404
    assert client.get("/feedback/999999/").status_code == 404
    response = client.post(f"{API}/feedback/{feedback.pk}/answer", json.dumps({"text": "x"}),
                           content_type="application/json")
    assert response.status_code == 404
    assert feedback.messages.count() == 1


def test_province_viewer_reads_but_cannot_answer(client, make_user, units):
    send(client)
    feedback = Feedback.objects.get()
    client.force_login(make_user(Role.PROVINCE_VIEWER, units("2025", "52")))
    assert client.get(f"/feedback/{feedback.pk}/").status_code == 200
    assert client.post(f"/feedback/{feedback.pk}/", {"text": "x"}).status_code == 403
    assert feedback.messages.count() == 1


def test_browser_flow_submit_then_follow(client, db):
    client.cookies["safecommune_language"] = "en"
    page = client.post(f"/communes/{IA_KRAI}/feedback/", {"topic": "suggestion",
                                                          "text": "Lắp thêm đèn đường."})
    assert page.status_code == 201
    assert "no-store" in page["Cache-Control"]
    issued = page.context["issued"]
    shown = client.post("/receipts/", {"code": issued.code, "secret": issued.secret})
    assert shown.status_code == 200 and "Lắp thêm đèn đường." in shown.content.decode()
    added = client.post("/receipts/", {"code": issued.code, "secret": issued.secret,
                                       "action": "follow_up", "text": "Ở thôn Bi."})
    assert added.status_code == 200
    assert FeedbackMessage.objects.count() == 2
    wrong = client.post("/receipts/", {"code": issued.code, "secret": "nope"})
    assert wrong.status_code == 404 and "Lắp thêm" not in wrong.content.decode()


def test_staff_answer_in_the_browser(client, make_user, units):
    send(client)
    feedback = Feedback.objects.get()
    client.force_login(make_user(Role.COMMUNE_OFFICER, units("2025", IA_KRAI)))
    inbox = client.get(f"/communes/{IA_KRAI}/feedback/inbox/")
    assert inbox.status_code == 200 and list(inbox.context["rows"]) == [feedback]
    response = client.post(f"/feedback/{feedback.pk}/", {"text": "Đã trả lời.", "close": "on"})
    assert response.status_code == 200
    feedback.refresh_from_db()
    assert feedback.status == "closed"
    bad = client.post(f"/feedback/{feedback.pk}/", {"text": ""})
    assert bad.status_code == 400


def test_token_of_another_communes_officer_sees_none_of_this_communes_records(client, make_user,
                                                                               units):
    from safecommune.accounts.tokens import token_create

    send(client)
    feedback = Feedback.objects.get()
    other = make_user(Role.COMMUNE_OFFICER, units("2025", "06724"))
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=other, name='x').secret}"}
    assert client.get(f"{API}/communes/{IA_KRAI}/feedback", **auth).status_code == 404
    response = client.post(f"{API}/feedback/{feedback.pk}/answer", json.dumps({"text": "x"}),
                           content_type="application/json", **auth)
    assert response.status_code == 404
    missing = client.post(f"{API}/feedback/999999/answer", json.dumps({"text": "x"}),
                          content_type="application/json", **auth)
    assert missing.status_code == 404 and missing.json() == response.json()
