"""The hash-chained audit log: appends, bulk digests, tamper detection, signed heads, the
``safecommune audit`` command and the read-only admin. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import json
import stat

import pytest
from cryptography.hazmat.primitives import serialization
from django.core.management import CommandError, call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safecommune.core.audit import (
    AuditOutsideTransaction,
    audit_append,
    audit_append_bulk,
    audit_entries_for,
    audit_sign_heads,
    audit_verify,
    entry_hash,
    key_fingerprint,
    rows_digest,
    signed_message,
    signing_key,
    signing_key_path,
)
from safecommune.core.errors import ValidationFailed
from safecommune.core.models import GENESIS_HASH, AuditChain, AuditEntry, AuditHeadSignature
from safecommune.territory.loader import TerritoryLoader, territory_load
from safecommune.territory.models import AdministrativeUnit, Structure, Village
from safecommune.territory.services import (
    boundaries_import,
    commune_settings_update,
    place_create,
    village_archive,
    village_create,
)

IA_KRAI = "23776"
XUAN_QUANG = "02926"
FORMER_TRI_QUANG = "02935"


@pytest.fixture(autouse=True)
def key_file(tmp_path, monkeypatch):
    """Each test signs with its own key, outside the database."""
    path = tmp_path / "keys" / "audit.pem"
    monkeypatch.setenv("SAFECOMMUNE_AUDIT_KEY_FILE", str(path))
    return path


@pytest.fixture
def ia_krai(units):
    return units(Structure.CURRENT, IA_KRAI)


@pytest.fixture
def xuan_quang(units):
    return units(Structure.CURRENT, XUAN_QUANG)


def chain_of(commune) -> AuditChain:
    return AuditChain.objects.get(key=f"commune:{commune.code}")


def append_five(commune, actor=None) -> AuditChain:
    for n in range(5):
        audit_append(action="test.step", actor=actor, commune=commune, obj=("test.thing", n),
                     details={"n": n, "fields": ["name"]})
    return chain_of(commune)


def first_break(chain):
    report = audit_verify(chain=chain)
    assert not report.ok
    return report.first_break


# --- Appending -------------------------------------------------------------------------------

def test_appends_link_to_each_other_and_verify(ia_krai, staff_user):
    chain = append_five(ia_krai, actor=staff_user)
    entries = list(chain.entries.order_by("seq"))
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5]
    assert entries[0].prev_hash == GENESIS_HASH
    assert all(later.prev_hash == earlier.hash for earlier, later in zip(entries, entries[1:]))
    assert chain.length == 5 and chain.head_seq == 5 and chain.head_hash == entries[-1].hash
    assert entries[0].actor == staff_user and entries[0].actor_label == "staff"
    assert (entries[2].object_type, entries[2].object_id) == ("test.thing", "2")
    report = audit_verify(chain=chain)
    assert report.ok and report.chains[0].entries == 5
    assert report.chains[0].last_signed_seq is None


def test_the_hash_covers_every_field_in_canonical_form(ia_krai):
    entry = audit_append(action="test.step", commune=ia_krai, details={"b": 1, "a": [True, None]})
    payload = {
        "v": 1, "chain": f"commune:{IA_KRAI}", "seq": 1,
        "created_at": entry.created_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"), "actor": None,
        "actor_label": "", "action": "test.step", "object_type": "", "object_id": "",
        "commune": ia_krai.pk, "details": {"a": [True, None], "b": 1}, "row_count": None,
        "rows_digest": "", "prev_hash": GENESIS_HASH,
    }
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert entry.hash == hashlib.sha256(text.encode()).hexdigest()
    assert entry.created_at.utcoffset().total_seconds() == 0


def test_entries_go_to_their_communes_chain_and_national_actions_to_the_national_one(
        ia_krai, xuan_quang):
    a = audit_append(action="test.step", commune=ia_krai)
    b = audit_append(action="test.step", commune=xuan_quang)
    c = audit_append(action="test.step", commune=ia_krai)
    national = audit_append(action="test.step")
    assert a.chain == c.chain and a.chain.commune == ia_krai and a.commune == ia_krai
    assert b.chain.commune == xuan_quang and (b.seq, c.seq) == (1, 2)
    assert national.chain.key == "national" and national.chain.commune is None
    assert national.commune is None


def test_a_former_commune_or_a_province_has_no_chain(units, ia_krai):
    with pytest.raises(ValueError, match="2025"):
        audit_append(action="test.step", commune=units(Structure.LEGACY, FORMER_TRI_QUANG))
    with pytest.raises(ValueError, match="2025"):
        audit_append(action="test.step", commune=ia_krai.province)


def test_append_outside_a_transaction_raises(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        with pytest.raises(AuditOutsideTransaction):
            audit_append(action="test.step")
        with pytest.raises(AuditOutsideTransaction):
            audit_append_bulk(action="test.step", rows=[(1,)])


def test_a_failed_write_leaves_no_entry(ia_krai):
    with pytest.raises(RuntimeError), transaction.atomic():
        village_create(commune=ia_krai, name="Thôn Thử")
        raise RuntimeError("the rest of the write failed")
    assert not Village.objects.filter(commune=ia_krai, name="Thôn Thử").exists()
    assert not AuditChain.objects.filter(key=f"commune:{IA_KRAI}", length__gt=0).exists()
    assert not AuditEntry.objects.filter(commune=ia_krai).exists()


def test_a_refused_write_leaves_no_entry(ia_krai):
    village_create(commune=ia_krai, name="Thôn Một")
    with pytest.raises(ValidationFailed):
        village_create(commune=ia_krai, name="Thon Mot")
    assert list(AuditEntry.objects.filter(commune=ia_krai).values_list("action", flat=True)) == [
        "village.create"]


@pytest.mark.parametrize("details", [
    {"password": "x"}, {"new_secret": "x"}, {"token": "abc"}, {"informant_name": "A"},
    {"nested": {"phone": "0905"}}, {"ratio": 0.5}, {"when": object()}, {"name": "a\x00b"},
    {"a\x00": 1}, {"name": "\ud800"},
])
def test_details_refuse_secrets_personal_data_floats_and_unstorable_text(ia_krai, details):
    with pytest.raises((ValueError, TypeError)):
        audit_append(action="test.step", commune=ia_krai, details=details)


def test_details_are_limited_in_size(ia_krai):
    with pytest.raises(ValueError, match="bytes"):
        audit_append(action="test.step", commune=ia_krai, details={"ids": list(range(5000))})


@pytest.mark.parametrize("action", ["", "create", "Village.Create", "village create"])
def test_an_action_names_entity_and_verb(ia_krai, action):
    with pytest.raises(ValueError, match="action"):
        audit_append(action=action, commune=ia_krai)


json_leaves = st.one_of(st.none(), st.booleans(), st.integers(-(2 ** 62), 2 ** 62),
                        st.text(st.characters(exclude_characters="\x00",
                                              exclude_categories=("Cs",)), max_size=20))
json_details = st.dictionaries(
    st.text(alphabet="abcdefgh_", min_size=1, max_size=6),
    st.recursive(json_leaves, lambda inner: st.lists(inner, max_size=3)
                 | st.dictionaries(st.text(alphabet="abcdefgh", min_size=1, max_size=4), inner,
                                   max_size=3), max_leaves=8),
    max_size=5)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(details=json_details)
def test_details_survive_the_database_with_their_hash(ia_krai, details):
    entry = audit_append(action="test.step", commune=ia_krai, details=details)
    stored = AuditEntry.objects.values_list(
        "seq", "created_at", "actor_id", "actor_label", "action", "object_type", "object_id",
        "commune_id", "details", "row_count", "rows_digest", "prev_hash").get(pk=entry.pk)
    names = ["seq", "created_at", "actor_id", "actor_label", "action", "object_type",
             "object_id", "commune_id", "details", "row_count", "rows_digest", "prev_hash"]
    assert entry_hash(chain_key=f"commune:{IA_KRAI}", **dict(zip(names, stored))) == entry.hash


# --- Bulk entries ----------------------------------------------------------------------------

def test_bulk_digest_is_the_sha256_of_canonical_json_lines():
    assert rows_digest([]) == (0, hashlib.sha256(b"").hexdigest())
    assert rows_digest([(1, "ả"), {"b": 2, "a": None}]) == (
        2, hashlib.sha256('[1,"ả"]\n{"a":null,"b":2}\n'.encode()).hexdigest())


def test_bulk_entry_has_a_deterministic_count_and_digest(ia_krai):
    rows = [(n, f"row {n}", {"z": n, "a": [n, n + 1]}) for n in range(1000)]
    first = audit_append_bulk(action="test.import", commune=ia_krai, rows=rows,
                              details={"file": "x.csv"})
    streamed = audit_append_bulk(action="test.import", commune=ia_krai,
                                 rows=(list(row) for row in rows))
    assert first.row_count == streamed.row_count == 1000
    assert first.rows_digest == streamed.rows_digest
    changed = rows[:999] + [(999, "row 999!", {"z": 999, "a": [999, 1000]})]
    assert audit_append_bulk(action="test.import", commune=ia_krai,
                             rows=changed).rows_digest != first.rows_digest
    assert audit_verify(chain=first.chain).ok


@given(st.lists(st.dictionaries(st.text(max_size=5), st.integers(), max_size=4), max_size=5))
def test_bulk_digest_ignores_key_order_and_sequence_type(rows):
    reordered = [dict(reversed(list(row.items()))) for row in rows]
    assert rows_digest(rows) == rows_digest(reordered)
    assert rows_digest([tuple(row) for row in rows]) == rows_digest([list(row) for row in rows])


def test_bulk_rows_must_be_rows():
    with pytest.raises(TypeError):
        rows_digest(["not a row"])


# --- Tampering -------------------------------------------------------------------------------

def test_an_untouched_chain_verifies(ia_krai, xuan_quang):
    append_five(ia_krai)
    append_five(xuan_quang)
    audit_sign_heads()
    report = audit_verify()
    assert report.ok, report.breaks
    by_key = {status.chain: status for status in report.chains}
    assert by_key[f"commune:{IA_KRAI}"].entries == 5
    assert by_key[f"commune:{IA_KRAI}"].last_signed_seq == 5
    assert report.chains[0].chain == "national"


def test_edited_details_are_caught(ia_krai):
    chain = append_five(ia_krai)
    AuditEntry.objects.filter(chain=chain, seq=3).update(details={"n": 30, "fields": ["name"]})
    broken = first_break(chain)
    assert (broken.chain, broken.seq, broken.reason) == (f"commune:{IA_KRAI}", 3, "altered")


def test_an_edited_actor_label_is_caught(ia_krai):
    chain = append_five(ia_krai)
    AuditEntry.objects.filter(chain=chain, seq=2).update(actor_label="someone else")
    assert (first_break(chain).seq, first_break(chain).reason) == (2, "altered")


def test_a_deleted_middle_entry_is_caught(ia_krai):
    chain = append_five(ia_krai)
    AuditEntry.objects.filter(chain=chain, seq=3).delete()
    broken = first_break(chain)
    assert (broken.seq, broken.reason) == (3, "missing")


def test_a_deleted_first_entry_is_caught(ia_krai):
    chain = append_five(ia_krai)
    AuditEntry.objects.filter(chain=chain, seq=1).delete()
    assert (first_break(chain).seq, first_break(chain).reason) == (1, "missing")


def test_swapped_entries_are_caught(ia_krai):
    chain = append_five(ia_krai)
    entries = AuditEntry.objects.filter(chain=chain)
    entries.filter(seq=3).update(seq=1000)
    entries.filter(seq=4).update(seq=3)
    entries.filter(seq=1000).update(seq=4)
    broken = first_break(chain)
    assert (broken.seq, broken.reason) == (3, "out_of_order")


def test_a_cut_tail_is_caught_by_the_head_record(ia_krai):
    chain = append_five(ia_krai)
    AuditEntry.objects.filter(chain=chain, seq__gte=4).delete()
    assert (first_break(chain).seq, first_break(chain).reason) == (4, "tail_cut")


def test_a_cut_tail_is_caught_by_the_signed_head_even_with_the_head_record_rewritten(ia_krai):
    chain = append_five(ia_krai)
    assert (f"commune:{IA_KRAI}", 5) in audit_sign_heads().signed
    audit_append(action="test.step", commune=ia_krai)  # entry 6, not signed yet
    AuditEntry.objects.filter(chain=chain, seq__gte=4).delete()
    third = AuditEntry.objects.get(chain=chain, seq=3)
    AuditChain.objects.filter(pk=chain.pk).update(length=3, head_hash=third.hash)
    broken = first_break(chain)
    assert (broken.seq, broken.reason) == (4, "tail_cut")
    assert "signed at entry 5" in broken.message


def test_an_unsigned_tail_can_be_cut_without_trace_when_the_head_record_is_rewritten(ia_krai):
    """What the chain cannot detect (docs/decisions/0006): entries after the last signature."""
    chain = append_five(ia_krai)
    audit_sign_heads()
    audit_append(action="test.step", commune=ia_krai)
    AuditEntry.objects.filter(chain=chain, seq=6).delete()
    fifth = AuditEntry.objects.get(chain=chain, seq=5)
    AuditChain.objects.filter(pk=chain.pk).update(length=5, head_hash=fifth.hash)
    assert audit_verify(chain=chain).ok


def test_a_rewritten_chain_is_caught_by_the_signed_head(ia_krai):
    chain = append_five(ia_krai)
    audit_sign_heads()
    # Someone with database access edits entry 2 and recomputes every hash after it.
    previous = AuditEntry.objects.get(chain=chain, seq=1).hash
    for entry in AuditEntry.objects.filter(chain=chain, seq__gte=2).order_by("seq"):
        if entry.seq == 2:
            entry.details = {"n": 99, "fields": ["name"]}
        entry.prev_hash = previous
        entry.hash = entry_hash(chain_key=chain.key, seq=entry.seq, created_at=entry.created_at,
                                actor_id=entry.actor_id, actor_label=entry.actor_label,
                                action=entry.action, object_type=entry.object_type,
                                object_id=entry.object_id, commune_id=entry.commune_id,
                                details=entry.details, row_count=entry.row_count,
                                rows_digest=entry.rows_digest, prev_hash=entry.prev_hash)
        entry.save()
        previous = entry.hash
    AuditChain.objects.filter(pk=chain.pk).update(head_hash=previous)
    broken = first_break(chain)
    assert (broken.seq, broken.reason) == (5, "signed_head_mismatch")


def test_a_forged_signature_is_caught(ia_krai):
    chain = append_five(ia_krai)
    audit_sign_heads()
    signature = AuditHeadSignature.objects.get(chain=chain)
    forged = bytes.fromhex(signature.signature)
    AuditHeadSignature.objects.filter(pk=signature.pk).update(
        signature=(bytes([forged[0] ^ 1]) + forged[1:]).hex())
    assert (first_break(chain).seq, first_break(chain).reason) == (5, "bad_signature")


def test_a_lost_signing_key_is_reported(ia_krai, key_file):
    chain = append_five(ia_krai)
    audit_sign_heads()
    key_file.unlink()
    assert first_break(chain).reason == "no_signing_key"


# --- Signing ---------------------------------------------------------------------------------

def test_signing_creates_a_private_key_file_readable_by_the_owner_only(key_file):
    assert not key_file.exists()
    key = signing_key()
    assert key_file.exists()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert key_fingerprint(signing_key().public_key()) == key_fingerprint(key.public_key())


def test_the_key_file_defaults_to_the_var_directory(monkeypatch, settings, tmp_path):
    monkeypatch.delenv("SAFECOMMUNE_AUDIT_KEY_FILE")
    settings.VAR_DIR = tmp_path
    assert signing_key_path() == tmp_path / "audit-signing-key.pem"


def test_a_signed_head_verifies_with_the_public_key_of_the_key_file(ia_krai, key_file):
    append_five(ia_krai)
    report = audit_sign_heads()
    assert (f"commune:{IA_KRAI}", 5) in report.signed and not report.refused
    signature = AuditHeadSignature.objects.get(chain__key=f"commune:{IA_KRAI}")
    private = serialization.load_pem_private_key(key_file.read_bytes(), password=None)
    public = private.public_key()
    assert signature.key_fingerprint == key_fingerprint(public)
    assert signature.hash == AuditEntry.objects.get(chain=signature.chain, seq=5).hash
    public.verify(bytes.fromhex(signature.signature), signed_message(
        chain_key=f"commune:{IA_KRAI}", seq=5, head_hash=signature.hash,
        signed_at=signature.signed_at))


def test_only_heads_that_changed_are_signed_again(ia_krai, xuan_quang):
    append_five(ia_krai)
    append_five(xuan_quang)
    audit_sign_heads()
    audit_append(action="test.step", commune=xuan_quang)
    assert audit_sign_heads().signed == [(f"commune:{XUAN_QUANG}", 6)]
    assert audit_sign_heads().signed == []


def test_a_broken_chain_is_not_signed_over(ia_krai):
    chain = append_five(ia_krai)
    audit_sign_heads()
    audit_append(action="test.step", commune=ia_krai)
    AuditEntry.objects.filter(chain=chain, seq=6).update(action="test.other")
    report = audit_sign_heads()
    assert [(b.chain, b.seq, b.reason) for b in report.refused] == [
        (f"commune:{IA_KRAI}", 6, "altered")]
    assert not AuditHeadSignature.objects.filter(chain=chain, seq=6).exists()


def test_the_worker_job_signs_heads(ia_krai):
    from safecommune.core.tasks import audit_sign_heads_task
    from safecommune.worker.schedule import JOBS

    append_five(ia_krai)
    assert any(job.task == "safecommune.core.tasks.audit_sign_heads_task" for job in JOBS)
    result = audit_sign_heads_task.call()
    assert f"commune:{IA_KRAI}@5" in result["signed"]


# --- The command -----------------------------------------------------------------------------

def test_audit_verify_prints_counts_per_chain(ia_krai, capsys):
    append_five(ia_krai)
    call_command("audit", "sign")
    call_command("audit", "verify")
    out = capsys.readouterr().out
    assert f"{IA_KRAI} {ia_krai.name}: 5 entries, last signed entry 5" in out
    assert "national:" in out
    assert "Audit chains intact" in out


def test_audit_verify_exits_1_naming_the_first_broken_entry(ia_krai, capsys):
    chain = append_five(ia_krai)
    AuditEntry.objects.filter(chain=chain, seq=2).delete()
    with pytest.raises(CommandError) as raised:
        call_command("audit", "verify")
    assert raised.value.returncode == 1
    assert f"chain commune:{IA_KRAI}, entry 2, reason missing" in str(raised.value)
    assert "BROKEN" in capsys.readouterr().err


def test_audit_verify_of_one_chain(ia_krai, capsys):
    append_five(ia_krai)
    call_command("audit", "verify", "--chain", f"commune:{IA_KRAI}")
    assert "national" not in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("audit", "verify", "--chain", "commune:00000")


# --- Writes are audited ----------------------------------------------------------------------

def test_territory_services_write_their_entries(ia_krai, staff_user):
    commune_settings_update(actor=staff_user, commune=ia_krai, duty_hotline="0269 3800 113",
                            is_remote=True)
    village = village_create(actor=staff_user, commune=ia_krai, name="Làng Mới")
    village_archive(actor=staff_user, village=village, reason="merged")
    place = place_create(actor=staff_user, commune=ia_krai, kind="school", name="Trường A")
    entries = list(chain_of(ia_krai).entries.order_by("seq"))
    assert [(e.action, e.object_type, e.object_id) for e in entries] == [
        ("commune_settings.update", "territory.communesettings", str(ia_krai.pk)),
        ("village.create", "territory.village", str(village.pk)),
        ("village.archive", "territory.village", str(village.pk)),
        ("place.create", "territory.place", str(place.pk)),
    ]
    assert entries[0].details == {"fields": ["duty_hotline", "is_remote"]}
    assert "0269" not in json.dumps([e.details for e in entries])
    assert all(e.actor == staff_user and e.commune == ia_krai for e in entries)
    assert audit_verify(chain=entries[0].chain).ok


def test_boundary_import_is_one_bulk_entry(ia_krai, tmp_path):
    geometry = {"type": "Polygon", "coordinates": [[[108.0, 13.0], [108.2, 13.0],
                                                    [108.2, 13.2], [108.0, 13.0]]]}
    path = tmp_path / "b.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": IA_KRAI}, "geometry": geometry}]}))
    boundaries_import(path=path)
    entry = AuditEntry.objects.filter(action="territory.boundaries_import").get()
    assert entry.chain.key == "national" and entry.row_count == 1
    assert entry.rows_digest == rows_digest([("2025", IA_KRAI, geometry)])[1]
    assert entry.details == {"imported": 1, "replaced": 0}


def test_territory_load_is_one_bulk_entry_when_it_changes_something(units):
    national = AuditChain.objects.get(key="national")
    before = national.length
    territory_load()
    assert AuditChain.objects.get(key="national").length == before  # nothing changed
    AdministrativeUnit.objects.filter(structure=Structure.CURRENT, code=IA_KRAI).update(
        name="changed")
    report = territory_load()
    entry = AuditEntry.objects.get(chain=national, seq=before + 1)
    assert entry.action == "territory.load" and entry.details["updated"] == report.updated == 1
    reader = TerritoryLoader()
    reader.read()
    assert (entry.row_count, entry.rows_digest) == rows_digest(reader.specs)
    assert audit_verify(chain="national").ok


# --- Reading ---------------------------------------------------------------------------------

def test_entries_for_communes_are_scoped_to_them(ia_krai, xuan_quang):
    audit_append(action="test.step", commune=ia_krai)
    audit_append(action="test.step", commune=xuan_quang)
    audit_append(action="test.step")
    scoped = audit_entries_for(communes=AdministrativeUnit.objects.filter(pk=ia_krai.pk))
    assert {e.commune_id for e in scoped} == {ia_krai.pk}
    everything = audit_entries_for(communes=None, actions=["test.step"])
    assert everything.count() == 3


# --- No route edits the log ------------------------------------------------------------------

@pytest.fixture
def admin_client_for_audit(client, django_user_model):
    user = django_user_model.objects.create_superuser("root", password="a-long-test-password")
    client.force_login(user)
    return client


def test_the_admin_lists_entries_but_cannot_add_change_or_delete(admin_client_for_audit,
                                                                  ia_krai):
    client = admin_client_for_audit
    entry = audit_append(action="test.step", commune=ia_krai)
    for model in ("auditentry", "auditchain", "auditheadsignature"):
        assert client.get(f"/admin/core/{model}/").status_code == 200
        assert client.get(f"/admin/core/{model}/add/").status_code == 403
    assert client.get(f"/admin/core/auditentry/{entry.pk}/change/").status_code == 200
    response = client.post(f"/admin/core/auditentry/{entry.pk}/change/",
                           {"action": "test.other"})
    assert response.status_code == 403
    assert client.post(f"/admin/core/auditentry/{entry.pk}/delete/",
                       {"post": "yes"}).status_code == 403
    entry.refresh_from_db()
    assert entry.action == "test.step" and audit_verify(chain=entry.chain).ok


def test_the_api_has_no_audit_route(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert not [path for path in paths if "audit" in path]
