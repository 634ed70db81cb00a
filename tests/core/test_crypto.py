"""Field encryption at rest: tokens, contexts, the key ring file, rotation, re-encryption,
retirement, blind indexes, the ``safecommune keys`` command. Runs on SQLite and PostgreSQL.

The encrypted model is made per test in its own app registry and its table is created inside
the test's transaction, so nothing outlives the test and no migration is needed."""

from __future__ import annotations

import base64
import json
import logging
import os
import stat
import subprocess
import sys
import threading
import unicodedata
from io import StringIO

import pytest
from django.apps.registry import Apps
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection, models
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from safecommune.core import tasks
from safecommune.core.audit import audit_verify
from safecommune.core.crypto import (
    CannotDecrypt,
    EncryptedTextField,
    UnknownFieldKey,
    blind_index,
    decrypt_text,
    encrypt_text,
    encrypted_fields,
    key_ring_retire,
    key_ring_rotate,
    key_ring_status,
    reencrypt_all,
    token_key_id,
)
from safecommune.core.crypto import services as crypto_services
from safecommune.core.crypto.fields import unregister
from safecommune.core.crypto.keyring import key_ring_locked, key_ring_save, load_key_ring
from safecommune.core.errors import Conflict, NotFound
from safecommune.core.models import AuditEntry

BODY = "crypto_tests.note.body"
NOTE = "crypto_tests.note.remark"
INFORMANT = "Nguyễn Thị Hồng Nhung, thôn Trì Quang, 0912 345 678"


@pytest.fixture(autouse=True)
def key_file(settings, tmp_path):
    """Each test has its own key ring, never the developer's ./var."""
    path = tmp_path / "secrets" / "field-keys.json"
    settings.SAFECOMMUNE_FIELD_KEYS_FILE = str(path)
    return path


@pytest.fixture
def Note(db):
    """A model with two encrypted columns, its table made inside the test's transaction."""
    registry = Apps()
    meta = type("Meta", (), {"app_label": "crypto_tests", "db_table": "crypto_tests_note",
                             "apps": registry})
    model = type("Note", (models.Model,), {
        "__module__": __name__, "Meta": meta,
        "title": models.CharField(max_length=40, default=""),
        "body": EncryptedTextField(context=BODY, null=True, blank=True),
        "remark": EncryptedTextField(context=NOTE, blank=True, default=""),
    })
    # The editor only writes the SQL: entered, SQLite's editor refuses to run inside a
    # transaction, while a plain CREATE TABLE rolls back with the test on both databases.
    sql, params = connection.schema_editor().table_sql(model)
    with connection.cursor() as cursor:
        cursor.execute(sql, params or None)
    yield model
    unregister(model)


def raw_tokens(model, column="body") -> list[str | None]:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT "{column}" FROM "{model._meta.db_table}" ORDER BY "id"')
        return [row[0] for row in cursor.fetchall()]


def keys_of(values) -> list[str | None]:
    return [token_key_id(value) if value else None for value in values]


def key_material(path) -> list[str]:
    """Every spelling of every secret in the ring file that could leak somewhere."""
    data = json.loads(path.read_text())
    found = []
    for entry in [*data["keys"], data["index_key"]]:
        secret = entry["secret"]
        raw = base64.urlsafe_b64decode(secret + "=" * (-len(secret) % 4))
        found += [secret, base64.b64encode(raw).decode(), raw.hex()]
    return found


# --- Tokens ----------------------------------------------------------------------------------

def test_vietnamese_text_round_trips_and_each_token_differs():
    first = encrypt_text(INFORMANT, context=BODY)
    second = encrypt_text(INFORMANT, context=BODY)
    assert first != second
    assert decrypt_text(first, context=BODY) == INFORMANT
    assert decrypt_text(second, context=BODY) == INFORMANT
    assert INFORMANT not in first


def test_token_is_version_key_id_and_nonce_ciphertext_tag():
    token = encrypt_text("abc", context=BODY)
    version, key_id, payload = token.split(":")
    raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    assert (version, key_id) == ("v1", load_key_ring(create=False).primary_id)
    assert len(raw) == 12 + len(b"abc") + 16
    assert "=" not in payload


@hypothesis_settings(max_examples=200, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text())
def test_any_text_round_trips(text):
    assert decrypt_text(encrypt_text(text, context=BODY), context=BODY) == text


def test_a_token_for_another_context_cannot_be_decrypted():
    token = encrypt_text(INFORMANT, context=BODY)
    with pytest.raises(CannotDecrypt, match="cannot be decrypted"):
        decrypt_text(token, context=NOTE)


def _flip(token: str, index: int) -> str:
    version, key_id, payload = token.split(":")
    raw = bytearray(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    raw[index] ^= 0x01
    return f"{version}:{key_id}:{base64.urlsafe_b64encode(bytes(raw)).decode().rstrip('=')}"


@pytest.mark.parametrize("tamper", [
    pytest.param(lambda t: _flip(t, 0), id="nonce"),
    pytest.param(lambda t: _flip(t, 14), id="ciphertext"),
    pytest.param(lambda t: _flip(t, -1), id="tag"),
    pytest.param(lambda t: t[:-6], id="truncated"),
    pytest.param(lambda t: t.split(":")[0] + ":" + t.split(":")[1] + ":AAAA", id="too-short"),
    pytest.param(lambda t: t + "=", id="padding"),
    pytest.param(lambda t: t[:20] + " " + t[20:], id="space"),
    pytest.param(lambda t: t.replace("v1:", "v2:", 1), id="version"),
    pytest.param(lambda t: t.split(":", 1)[1], id="no-version"),
    pytest.param(lambda t: "Nguyễn Văn A", id="plain-text"),
])
def test_a_tampered_token_cannot_be_decrypted(tamper):
    token = encrypt_text("Trần Văn Bình, 0987 654 321", context=BODY)
    with pytest.raises(CannotDecrypt) as caught:
        decrypt_text(tamper(token), context=BODY)
    assert "cannot be decrypted" in str(caught.value)


def test_a_token_relabelled_with_another_key_id_cannot_be_decrypted(db):
    token = encrypt_text(INFORMANT, context=BODY)
    old_id = token_key_id(token)
    new_id = key_ring_rotate().primary_id
    with pytest.raises(CannotDecrypt):
        decrypt_text(token.replace(f":{old_id}:", f":{new_id}:"), context=BODY)


def test_a_key_missing_from_the_ring_is_named(settings, tmp_path, caplog):
    token = encrypt_text(INFORMANT, context=BODY)
    key_id = token_key_id(token)
    settings.SAFECOMMUNE_FIELD_KEYS_FILE = str(tmp_path / "another-ring.json")
    encrypt_text("creates the other ring", context=BODY)
    with pytest.raises(UnknownFieldKey) as caught:
        decrypt_text(token, context=BODY)
    assert caught.value.key_id == key_id
    assert f"key {key_id}, which is missing from the key ring" in str(caught.value)
    assert key_id in caplog.text and "another-ring.json" in caplog.text


def test_without_a_key_ring_file_the_missing_key_is_named(key_file):
    token = encrypt_text(INFORMANT, context=BODY)
    key_file.unlink()
    with pytest.raises(UnknownFieldKey, match=token_key_id(token)):
        decrypt_text(token, context=BODY)
    assert not key_file.exists()  # reading never creates a new, empty ring


def test_an_empty_context_is_a_programming_error():
    with pytest.raises(ValueError):
        encrypt_text("x", context=" ")
    with pytest.raises(ValueError):
        EncryptedTextField(context="")


# --- The key ring file -----------------------------------------------------------------------

def test_the_key_ring_is_created_on_first_use_with_mode_0600(db, key_file):
    assert not key_file.exists()
    encrypt_text("x", context=BODY)
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    data = json.loads(key_file.read_text())
    assert data["primary"] == data["keys"][0]["id"]
    assert len(base64.urlsafe_b64decode(data["keys"][0]["secret"] + "=")) == 32
    key_ring_rotate()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert not [p for p in key_file.parent.iterdir() if p.name.startswith(".field-keys")]


def test_a_key_ring_readable_by_others_is_warned_about(key_file, caplog):
    with key_ring_locked():
        pass  # creates the ring without reading it into the cache
    key_file.chmod(0o644)
    with caplog.at_level(logging.WARNING):
        encrypt_text("y", context=BODY)
    assert "readable by others" in caplog.text


def test_a_broken_key_ring_file_names_itself_but_no_key(key_file):
    encrypt_text("x", context=BODY)
    data = json.loads(key_file.read_text())
    secret = data["keys"][0]["secret"]
    data["primary"] = "nosuchkey"
    key_file.write_text(json.dumps(data))
    with pytest.raises(ImproperlyConfigured) as caught:
        encrypt_text("y", context=BODY)
    assert str(key_file) in str(caught.value) and "primary" in str(caught.value)
    assert secret not in str(caught.value)


def test_concurrent_rotations_keep_every_key(key_file):
    load_key_ring(create=True)

    def rotate():
        with key_ring_locked() as ring:
            key_ring_save(ring.rotated())

    threads = [threading.Thread(target=rotate) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(load_key_ring(create=False).keys) == 9


def test_the_environment_variable_points_at_another_key_ring_file(tmp_path):
    mounted = tmp_path / "mounted" / "keys.json"
    var_dir = tmp_path / "var"
    code = ("import django; django.setup(); "
            "from safecommune.core.crypto import encrypt_text; "
            "print(encrypt_text('x', context='probe'))")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "safecommune.settings",
           "SAFECOMMUNE_VAR_DIR": str(var_dir), "SAFECOMMUNE_FIELD_KEYS_FILE": str(mounted)}
    env.pop("DATABASE_URL", None)
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                            text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("v1:")
    assert mounted.exists() and not (var_dir / "field-keys.json").exists()


# --- The model field -------------------------------------------------------------------------

def test_the_field_stores_tokens_and_gives_back_text(Note):
    Note.objects.create(title="a", body=INFORMANT)
    Note.objects.create(title="b", body=INFORMANT)
    Note.objects.create(title="c", body=None)
    Note.objects.create(title="d", body="")
    stored = raw_tokens(Note)
    assert stored[0].startswith("v1:") and stored[1].startswith("v1:")
    assert stored[0] != stored[1]
    assert stored[2:] == [None, ""]
    assert [note.body for note in Note.objects.order_by("id")] == [INFORMANT, INFORMANT, None, ""]
    assert list(Note.objects.order_by("id").values_list("body", flat=True)) == [
        INFORMANT, INFORMANT, None, ""]


def test_updates_are_encrypted_too(Note):
    note = Note.objects.create(body="cũ")
    note.body = "mới: Lò Văn Páo"
    note.save(update_fields=["body"])
    Note.objects.filter(pk=note.pk).update(remark="ghi chú")
    note.refresh_from_db()
    assert (note.body, note.remark) == ("mới: Lò Văn Páo", "ghi chú")
    assert "Páo" not in raw_tokens(Note)[0] and "ghi" not in raw_tokens(Note, "remark")[0]
    note.body = "bulk_update: Hoàng Văn Sử"
    Note.objects.bulk_update([note], ["body"])
    assert raw_tokens(Note)[0].startswith("v1:")
    assert Note.objects.get(pk=note.pk).body == "bulk_update: Hoàng Văn Sử"


def test_a_token_copied_into_another_column_does_not_decrypt(Note):
    note = Note.objects.create(body=INFORMANT)
    with connection.cursor() as cursor:
        cursor.execute('UPDATE "crypto_tests_note" SET "remark" = "body"')
    with pytest.raises(CannotDecrypt):
        Note.objects.get(pk=note.pk)
    assert Note.objects.only("id", "body").get(pk=note.pk).body == INFORMANT


@pytest.mark.parametrize("lookup", [{"body": INFORMANT}, {"body__icontains": "Nguyễn"},
                                    {"body__startswith": "v1:"}, {"body__in": ["x"]}])
def test_encrypted_fields_refuse_searches(Note, lookup):
    with pytest.raises(FieldError, match="blind index"):
        Note.objects.filter(**lookup)


def test_encrypted_fields_still_tell_empty_from_set(Note):
    Note.objects.create(title="a", body=INFORMANT)
    Note.objects.create(title="b", body=None)
    Note.objects.create(title="c", body="")
    assert list(Note.objects.filter(body__isnull=True).values_list("title", flat=True)) == ["b"]
    assert list(Note.objects.filter(body="").values_list("title", flat=True)) == ["c"]
    assert list(Note.objects.filter(body=None).values_list("title", flat=True)) == ["b"]


@pytest.mark.parametrize("option", ["unique", "db_index", "primary_key"])
def test_an_encrypted_field_cannot_be_unique_or_indexed(option):
    with pytest.raises(ImproperlyConfigured, match="blind_index"):
        EncryptedTextField(context="x.y", **{option: True})


def test_the_field_keeps_its_context_in_migrations():
    field = EncryptedTextField(context="reports.tip.informant", blank=True)
    _name, path, _args, kwargs = field.deconstruct()
    assert path == "safecommune.core.crypto.fields.EncryptedTextField"
    assert kwargs["context"] == "reports.tip.informant"


def test_the_registry_knows_the_field_and_refuses_a_shared_context(Note):
    assert {f"crypto_tests.Note.{name}" for name in ("body", "remark")} <= {
        entry.label for entry in encrypted_fields()}
    meta = type("Meta", (), {"app_label": "crypto_tests", "apps": Apps()})
    with pytest.raises(ImproperlyConfigured, match="share the encryption context"):
        type("Copy", (models.Model,), {"__module__": __name__, "Meta": meta,
                                       "text": EncryptedTextField(context=BODY)})


# --- Blind index -----------------------------------------------------------------------------

def test_the_blind_index_matches_exact_values_per_context_only():
    digest = blind_index("Nguyễn Văn An", context=BODY)
    assert len(digest) == 64 and int(digest, 16) >= 0
    assert blind_index("Nguyễn Văn An", context=BODY) == digest
    assert blind_index(unicodedata.normalize("NFD", "Nguyễn Văn An"), context=BODY) == digest
    assert blind_index("Nguyễn Văn Ân", context=BODY) != digest
    assert blind_index("Nguyễn Văn An", context=NOTE) != digest


def test_the_blind_index_key_is_separate_and_survives_rotation(db):
    digest = blind_index("0912345678", context=BODY)
    ring = load_key_ring(create=False)
    assert ring.index_secret not in [key.secret for key in ring.keys]
    key_ring_rotate()
    assert blind_index("0912345678", context=BODY) == digest


def test_the_blind_index_depends_on_the_key_ring(settings, tmp_path):
    digest = blind_index("0912345678", context=BODY)
    settings.SAFECOMMUNE_FIELD_KEYS_FILE = str(tmp_path / "other.json")
    assert blind_index("0912345678", context=BODY) != digest


# --- Rotation, re-encryption, retirement -----------------------------------------------------

def make_notes(Note, count: int) -> list[str]:
    texts = [f"Người báo tin số {n}: Hà Thị Ngọc" for n in range(count)]
    Note.objects.bulk_create([Note(title=str(n), body=text, remark=f"ghi chú {n}")
                              for n, text in enumerate(texts)])
    return texts


def test_rotating_without_a_key_ring_creates_it_with_one_primary_key(db, key_file):
    ring = key_ring_rotate()
    assert ring.key_ids == (ring.primary_id,)
    assert load_key_ring(create=False).key_ids == (ring.primary_id,)
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_after_rotation_old_values_still_decrypt_and_new_ones_use_the_new_key(Note):
    texts = make_notes(Note, 3)
    old_id = load_key_ring(create=False).primary_id
    ring = key_ring_rotate()
    assert ring.primary_id != old_id and set(ring.key_ids) == {old_id, ring.primary_id}
    Note.objects.create(title="new", body="sau khi đổi khoá")
    assert [n.body for n in Note.objects.order_by("id")] == [*texts, "sau khi đổi khoá"]
    assert keys_of(raw_tokens(Note)) == [old_id] * 3 + [ring.primary_id]


def test_reencrypt_moves_every_value_to_the_primary_key(Note):
    texts = make_notes(Note, 7)
    Note.objects.create(title="empty", body=None, remark="")
    old_id = load_key_ring(create=False).primary_id
    new_id = key_ring_rotate().primary_id
    results = reencrypt_all(batch_size=3)
    assert results["crypto_tests.Note.body"] == {"reencrypted": 7, "unreadable": 0}
    assert results["crypto_tests.Note.remark"] == {"reencrypted": 7, "unreadable": 0}
    assert keys_of(raw_tokens(Note)) == [new_id] * 7 + [None]
    assert keys_of(raw_tokens(Note, "remark")) == [new_id] * 7 + [None]
    assert [n.body for n in Note.objects.order_by("id")] == [*texts, None]
    assert old_id not in {token_key_id(t) for t in raw_tokens(Note) if t}
    again = reencrypt_all(batch_size=3)
    assert again["crypto_tests.Note.body"] == {"reencrypted": 0, "unreadable": 0}


def test_an_interrupted_reencryption_keeps_its_finished_batches_and_resumes(Note, monkeypatch):
    texts = make_notes(Note, 5)
    old_id = load_key_ring(create=False).primary_id
    new_id = key_ring_rotate().primary_id
    real = crypto_services.audit_append_bulk
    calls = []

    def fail_on_second_batch(**kwargs):
        calls.append(kwargs["details"]["field"])
        if len(calls) == 2:
            raise RuntimeError("power cut")
        return real(**kwargs)

    monkeypatch.setattr(crypto_services, "audit_append_bulk", fail_on_second_batch)
    with pytest.raises(RuntimeError, match="power cut"):
        reencrypt_all(batch_size=2)
    assert keys_of(raw_tokens(Note)) == [new_id] * 2 + [old_id] * 3

    monkeypatch.setattr(crypto_services, "audit_append_bulk", real)
    results = reencrypt_all(batch_size=2)
    assert results["crypto_tests.Note.body"] == {"reencrypted": 3, "unreadable": 0}
    assert keys_of(raw_tokens(Note)) == [new_id] * 5
    assert [n.body for n in Note.objects.order_by("id")] == texts


def test_reencrypt_leaves_a_value_changed_meanwhile_to_its_writer(Note, monkeypatch):
    note = Note.objects.create(body="cũ")
    key_ring_rotate()
    real = crypto_services.encrypt_text

    def someone_edits_first(plaintext, *, context):
        Note.objects.filter(pk=note.pk).update(body="sửa bởi cán bộ")
        return real(plaintext, context=context)

    monkeypatch.setattr(crypto_services, "encrypt_text", someone_edits_first)
    results = reencrypt_all()
    assert results["crypto_tests.Note.body"]["reencrypted"] == 0
    note.refresh_from_db()
    assert note.body == "sửa bởi cán bộ"


def test_reencrypt_skips_and_reports_unreadable_values(Note, caplog):
    make_notes(Note, 2)
    key_ring_rotate()
    with connection.cursor() as cursor:
        cursor.execute('UPDATE "crypto_tests_note" SET "body" = %s WHERE "title" = %s',
                       ["v1:deadbeef:" + "A" * 48, "0"])
    results = reencrypt_all()
    assert results["crypto_tests.Note.body"] == {"reencrypted": 1, "unreadable": 1}
    assert "crypto_tests.Note.body row" in caplog.text and "UnknownFieldKey" in caplog.text


def test_a_key_is_retired_only_when_no_value_uses_it(Note):
    make_notes(Note, 3)
    old_id = load_key_ring(create=False).primary_id
    with pytest.raises(Conflict) as primary:
        key_ring_retire(old_id)
    assert primary.value.rule == "primary"

    new_id = key_ring_rotate().primary_id
    with pytest.raises(Conflict) as in_use:
        key_ring_retire(old_id)
    assert in_use.value.rule == "in_use"
    assert str(in_use.value) == (
        f"Key {old_id} still encrypts values in crypto_tests.Note.body, "
        "crypto_tests.Note.remark (count: 6). Re-encrypt them before retiring it.")
    assert old_id in load_key_ring(create=False).key_ids

    reencrypt_all()
    ring = key_ring_retire(old_id)
    assert ring.key_ids == (new_id,)
    assert load_key_ring(create=False).key_ids == (new_id,)
    assert Note.objects.count() == 3 and all(n.body for n in Note.objects.all())


def test_retiring_an_unknown_key_is_not_found(db):
    encrypt_text("x", context=BODY)
    with pytest.raises(NotFound, match="no key nosuch"):
        key_ring_retire("nosuch")


def test_status_counts_values_per_key_per_field(Note):
    make_notes(Note, 2)
    old_id = load_key_ring(create=False).primary_id
    new_id = key_ring_rotate().primary_id
    Note.objects.create(body="mới", remark="")
    with connection.cursor() as cursor:
        cursor.execute('INSERT INTO "crypto_tests_note" ("title", "body", "remark") '
                       "VALUES ('x', 'not a token', '')")
    status = key_ring_status()
    assert status.primary_id == new_id
    assert [key_id for key_id, _created in status.keys] == [old_id, new_id]
    usage = {u.label: u for u in status.fields}
    assert usage["crypto_tests.Note.body"].per_key == {old_id: 2, new_id: 1}
    assert usage["crypto_tests.Note.body"].malformed == 1
    assert usage["crypto_tests.Note.remark"].per_key == {old_id: 2}


def test_rotation_reencryption_and_retirement_are_in_the_national_audit_chain(Note, staff_user):
    make_notes(Note, 3)
    old_id = load_key_ring(create=False).primary_id
    new_id = key_ring_rotate(actor=staff_user).primary_id
    reencrypt_all(batch_size=2, actor=staff_user)
    key_ring_retire(old_id, actor=staff_user)
    entries = AuditEntry.objects.filter(action__startswith="field_keys.").order_by("seq")
    assert [(e.chain.key, e.action) for e in entries] == [
        ("national", "field_keys.rotate"),
        ("national", "field_keys.reencrypt"), ("national", "field_keys.reencrypt"),
        ("national", "field_keys.reencrypt"), ("national", "field_keys.reencrypt"),
        ("national", "field_keys.retire")]
    assert entries[0].details["key_id"] == new_id and entries[0].actor_id == staff_user.pk
    assert sum(e.row_count for e in entries if e.action == "field_keys.reencrypt") == 6
    assert entries.last().details["key_id"] == old_id
    assert audit_verify(chain="national").ok


def test_the_reencrypt_task_runs_the_same_reencryption(Note):
    make_notes(Note, 2)
    key_ring_rotate()
    result = tasks.reencrypt_task.call(batch_size=10)
    assert result["crypto_tests.Note.body"] == {"reencrypted": 2, "unreadable": 0}


# --- The command -----------------------------------------------------------------------------

def run(*args) -> str:
    out = StringIO()
    call_command("keys", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_the_keys_command_walks_the_rotation_procedure(Note, key_file):
    assert "not created yet" in run("status")
    make_notes(Note, 2)
    old_id = load_key_ring(create=False).primary_id
    status = run("status")
    assert f"key {old_id}" in status and "primary" in status
    assert f"crypto_tests.Note.body: {old_id}: 2" in status

    rotated = run("rotate")
    new_id = load_key_ring(create=False).primary_id
    assert f"New primary key {new_id}" in rotated and "Back up" in rotated
    assert "4 values are not under the primary key" in run("status")

    in_use = r"still encrypts values in .*\(count: 4\)"
    with pytest.raises(CommandError, match=in_use) as refused:
        run("retire", old_id)
    assert refused.value.returncode == 1

    assert "crypto_tests.Note.body: 2 re-encrypted, 0 unreadable" in run("reencrypt",
                                                                        "--batch-size", "1")
    assert f"Key {old_id} retired" in run("retire", old_id)
    assert f"crypto_tests.Note.body: {new_id}: 2" in run("status")
    with pytest.raises(CommandError, match="no key"):
        run("retire", old_id)


# --- Keys stay out of the database and the logs ----------------------------------------------

def test_no_key_and_no_identity_reach_the_database_or_the_logs(Note, key_file, caplog):
    with caplog.at_level(logging.DEBUG):
        make_notes(Note, 3)
        Note.objects.create(body=INFORMANT)
        blind_index(INFORMANT, context=BODY)
        old_id = load_key_ring(create=False).primary_id
        outputs = [run("rotate"), run("reencrypt"), run("retire", old_id), run("status")]
        [note.body for note in Note.objects.all()]
    secrets_ = key_material(key_file)
    dumped = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            dumped.append(repr(cursor.fetchall()))
    stored = "\n".join(dumped)
    assert "crypto_tests_note" in connection.introspection.table_names()
    shown = caplog.text + "\n".join(outputs)
    for secret in secrets_:
        assert secret not in stored
        assert secret not in shown
    assert INFORMANT not in stored and "Hà Thị Ngọc" not in stored
    assert INFORMANT not in caplog.text
