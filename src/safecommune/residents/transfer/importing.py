"""Import of households and persons from CSV or XLSX: validate every row first, then write all
of them in bulk in one transaction with one audit entry, or write nothing.

Two passes over the file keep memory small at a million rows: the first validates each row
and keeps only what cross-row rules need (citizen IDs, passports, each household's address,
village and head); the second reads the rows again and writes them with ``bulk_create``.

From a page or the API an import runs as the ``run_import`` task; its progress is kept under
its job id in a Django cache shared by the web and worker processes (``job_cache``).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.core.cache.backends.filebased import FileBasedCache
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from safecommune.accounts.jurisdiction import can_edit_commune
from safecommune.core.audit import audit_append, audit_append_bulk
from safecommune.core.errors import DomainError, NotFound
from safecommune.core.text import fold
from safecommune.residents.models import (
    Household,
    HouseholdMember,
    Person,
    Relation,
)
from safecommune.residents.selectors import person_visible_to
from safecommune.residents.transfer.columns import RowError, header_columns, parse_row
from safecommune.residents.transfer.reading import (
    FileRefused,
    file_format,
    progress_total,
    rows_of,
)
from safecommune.territory.models import AdministrativeUnit

DEFAULT_MAX_UPLOAD_BYTES = 200 * 1024 * 1024
MAX_LISTED_ERRORS = 200
BATCH_SIZE = 2000
JOB_SECONDS = 7 * 24 * 3600
_JOB_ID = re.compile(r"^[0-9a-f]{32}$")

Progress = Callable[[str, int, int | None], None]


def max_upload_bytes() -> int:
    return getattr(settings, "SAFECOMMUNE_IMPORT_MAX_BYTES", DEFAULT_MAX_UPLOAD_BYTES)


@dataclass
class _Household:
    line: int
    address: str = ""
    village: str = ""
    heads: int = 0


@dataclass
class Validation:
    rows: int = 0
    households: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    household_lines: dict[str, _Household] = field(default_factory=dict)

    def add(self, error: RowError) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_LISTED_ERRORS:
            self.errors.append(error)

    def error_dicts(self) -> list[dict]:
        return [error.as_dict() for error in sorted(self.errors, key=lambda e: e.line)]


def _villages(commune: AdministrativeUnit) -> dict[str, int]:
    return {village.name_key: village.pk for village in commune.villages.active()}


def _header(rows, validation: Validation):
    first = next(rows, None)
    if first is None:
        raise FileRefused(_("The file has no header row and no data."), line=1, rule="empty")
    line, cells = first
    columns, errors = header_columns(list(cells), line=line)
    for error in errors:
        validation.add(error)
    return columns


def import_validate(*, path: Path, fmt: str, commune: AdministrativeUnit, actor,
                    progress: Progress | None = None, today: date | None = None) -> Validation:
    """Check every row; the result lists the wrong lines (capped) and counts them all."""
    validation = Validation()
    total = progress_total(path, fmt)
    report = (lambda done: progress("validate", done, total)) if progress else None
    rows = iter(rows_of(path, fmt, progress=report))
    columns = _header(rows, validation)
    if validation.error_count:
        return validation
    villages = _villages(commune)
    citizen_ids: dict[str, int] = {}
    passports: dict[tuple[str, str], int] = {}
    households = validation.household_lines
    for line, cells in rows:
        validation.rows += 1
        row, errors = parse_row(line, columns, cells, today=today)
        for error in errors:
            validation.add(error)
        if row is None:
            continue
        if row.citizen_id:
            first = citizen_ids.setdefault(row.citizen_id, line)
            if first != line:
                validation.add(RowError(line, "citizen_id", "duplicate_in_file", _(
                    "This citizen ID is also on line %(line)d.") % {"line": first}))
        if row.passport_number:
            first = passports.setdefault((row.nationality, row.passport_number), line)
            if first != line:
                validation.add(RowError(line, "passport_number", "duplicate_in_file", _(
                    "This passport is also on line %(line)d.") % {"line": first}))
        household = households.get(row.household_key)
        if household is None:
            household = households[row.household_key] = _Household(line=line)
        for name in ("address", "village"):
            value = getattr(row, name)
            if value and not getattr(household, name):
                setattr(household, name, value)
            elif value and fold(value) != fold(getattr(household, name)):
                validation.add(RowError(line, name, "same_household", _(
                    "Household “%(key)s” has another %(field)s on line %(line)d.")
                    % {"key": row.household_key, "field": name, "line": household.line}))
        if row.village and fold(row.village) not in villages:
            validation.add(RowError(line, "village", "exists", _(
                "There is no village “%(name)s” in %(commune)s.")
                % {"name": row.village, "commune": commune.name}))
        if row.relation == Relation.HEAD:
            household.heads += 1
            if household.heads > 1:
                validation.add(RowError(line, "relation", "one_head", _(
                    "Household “%(key)s” already has a head.") % {"key": row.household_key}))
    for key, household in households.items():
        if household.heads == 0:
            validation.add(RowError(household.line, "relation", "no_head", _(
                "Household “%(key)s” has no head: exactly one member is the head.")
                % {"key": key}))
        if not household.address:
            validation.add(RowError(household.line, "address", "required", _(
                "Household “%(key)s” has no address.") % {"key": key}))
    validation.households = len(households)
    _check_registered(citizen_ids, validation=validation, commune=commune, actor=actor)
    return validation


def _check_registered(citizen_ids: dict[str, int], *, validation: Validation, commune, actor):
    """Citizen IDs already in the database: named when the actor may see the holder, else
    only "registered in another commune", and the attempt goes into the audit chain."""
    numbers = list(citizen_ids)
    # The command line (no actor) has the system's rights and sees every holder.
    visible = Person.objects.all() if actor is None else person_visible_to(user=actor)
    elsewhere = 0
    for start in range(0, len(numbers), BATCH_SIZE):
        chunk = numbers[start:start + BATCH_SIZE]
        taken = dict(Person.objects.filter(citizen_id__in=chunk).values_list("citizen_id", "pk"))
        if not taken:
            continue
        names = dict(visible.filter(pk__in=taken.values()).values_list("pk", "full_name"))
        for number, pk in taken.items():
            line = citizen_ids[number]
            if pk in names:
                validation.add(RowError(line, "citizen_id", "registered", _(
                    "This citizen ID is already registered to %(name)s.") % {"name": names[pk]}))
            else:
                elsewhere += 1
                validation.add(RowError(line, "citizen_id", "registered_elsewhere", _(
                    "This citizen ID is registered in another commune.")))
    if elsewhere:
        with transaction.atomic():
            audit_append(action="person.cccd_conflict", actor=actor, commune=commune,
                         details={"field": "citizen_id", "count": elsewhere})


@transaction.atomic
def import_write(*, path: Path, fmt: str, commune: AdministrativeUnit, actor,
                 validation: Validation, progress: Progress | None = None,
                 today: date | None = None) -> dict:
    """Write the validated rows with bulk SQL and one ``residents.import`` audit entry."""
    today = today or timezone.localdate()
    villages = _villages(commune)
    household_ids: dict[str, int] = {}
    keys = list(validation.household_lines.items())
    for start in range(0, len(keys), BATCH_SIZE):
        batch = [Household(recorded_unit=commune, commune=commune,
                           village_id=villages.get(fold(h.village)) if h.village else None,
                           address=h.address, address_key=fold(h.address), created_by=actor,
                           modified_by=actor) for _key, h in keys[start:start + BATCH_SIZE]]
        created = Household.objects.bulk_create(batch, batch_size=BATCH_SIZE)
        household_ids.update(zip((k for k, _h in keys[start:start + BATCH_SIZE]),
                                 (h.pk for h in created), strict=True))
    written: list[tuple[int, int, str]] = []
    rows = iter(rows_of(path, fmt))
    columns, _errors = header_columns(list(next(rows)[1]))
    pending = []

    def flush():
        persons = Person.objects.bulk_create([person for person, _row in pending],
                                             batch_size=BATCH_SIZE)
        members = [HouseholdMember(household_id=household_ids[row.household_key],
                                   person_id=person.pk, relation=row.relation, joined_on=today,
                                   created_by=actor, modified_by=actor)
                   for person, (_p, row) in zip(persons, pending, strict=True)]
        HouseholdMember.objects.bulk_create(members, batch_size=BATCH_SIZE)
        written.extend((m.person_id, m.household_id, m.relation) for m in members)
        pending.clear()
        if progress:
            progress("write", len(written), validation.rows)

    for line, cells in rows:
        row, _errors = parse_row(line, columns, cells, today=today)
        person = Person(
            recorded_unit=commune, commune=commune,
            village_id=villages.get(fold(row.village)) if row.village else None,
            full_name=row.full_name, birth_date=row.birth_date, sex=row.sex,
            ethnicity=row.ethnicity, citizen_id=row.citizen_id,
            passport_number=row.passport_number, nationality=row.nationality, phone=row.phone,
            created_by=actor, modified_by=actor)
        person.set_search_keys()
        pending.append((person, row))
        if len(pending) >= BATCH_SIZE:
            flush()
    if pending:
        flush()
    ids = list(household_ids.values())
    head = HouseholdMember.objects.filter(household=OuterRef("pk"), relation=Relation.HEAD,
                                          left_on__isnull=True).values("person_id")[:1]
    for start in range(0, len(ids), BATCH_SIZE):
        Household.objects.filter(pk__in=ids[start:start + BATCH_SIZE]).update(
            head_id=Subquery(head))
    entry = audit_append_bulk(action="residents.import", actor=actor, commune=commune,
                              rows=written, details={"households": len(ids),
                                                     "persons": len(written), "format": fmt})
    return {"rows": len(written), "households": len(ids), "audit_entry": entry.pk}


def import_file(*, path: Path, fmt: str, commune: AdministrativeUnit, actor,
                dry_run: bool = False, progress: Progress | None = None) -> dict:
    """Validate, then write unless a row is wrong or ``dry_run``; the outcome as a dict with
    ``state`` ``done``, ``checked`` (dry run, no errors) or ``refused``."""
    try:
        validation = import_validate(path=path, fmt=fmt, commune=commune, actor=actor,
                                     progress=progress)
    except FileRefused as exc:
        return {"state": "refused", "rows": 0, "households": 0, "error_count": 1,
                "errors": [{"line": exc.line, "field": "file", "rule": exc.rule,
                            "message": str(exc.message)}]}
    outcome = {"rows": validation.rows, "households": validation.households,
               "error_count": validation.error_count, "errors": validation.error_dicts()}
    if validation.error_count:
        return {**outcome, "state": "refused"}
    if dry_run:
        return {**outcome, "state": "checked"}
    written = import_write(path=path, fmt=fmt, commune=commune, actor=actor,
                           validation=validation, progress=progress)
    return {**outcome, **written, "state": "done"}


# --- Jobs ------------------------------------------------------------------------------------

def job_cache():
    """The shared cache when one is configured (Redis), else files under ``VAR_DIR/imports``,
    which the web and worker processes share as they share the uploads."""
    if getattr(settings, "SAFECOMMUNE_CACHE_URL", ""):
        return caches["default"]
    return FileBasedCache(str(Path(settings.VAR_DIR) / "imports" / "progress"),
                          {"TIMEOUT": JOB_SECONDS})


def _job_key(job_id: str) -> str:
    return f"residents-import:{job_id}"


def _job_update(job_id: str, **changes) -> dict:
    cache = job_cache()
    job = cache.get(_job_key(job_id)) or {}
    job.update(changes)
    cache.set(_job_key(job_id), job, JOB_SECONDS)
    return job


def job_register(*, actor, commune: AdministrativeUnit, file_name: str, fmt: str,
                 dry_run: bool) -> str:
    job_id = uuid.uuid4().hex
    _job_update(job_id, id=job_id, commune=commune.code, actor=actor.pk if actor else None,
                file_name=Path(file_name).name[:200], format=fmt, dry_run=dry_run,
                state="queued", phase="", done=0, total=None, percent=0, rows=0,
                households=0, error_count=0, errors=[],
                queued_at=timezone.now().isoformat(), finished_at=None)
    return job_id


def job_get_for(*, user, job_id: str) -> dict:
    """The job if the user may edit its commune; missing and not-yours are the same 404."""
    job = job_cache().get(_job_key(job_id)) if _JOB_ID.match(job_id or "") else None
    if job is not None:
        commune = AdministrativeUnit.objects.filter(structure="2025", level="commune",
                                                    code=job["commune"]).first()
        if commune is not None and can_edit_commune(user, commune):
            return job
    raise NotFound(_("No import with this number."), field="job", rule="exists")


def import_start(*, actor, commune: AdministrativeUnit, upload, dry_run: bool = False) -> str:
    """Save the upload under ``VAR_DIR/imports/`` and queue its import; the job id."""
    fmt = file_format(upload.name)
    limit = max_upload_bytes()
    if upload.size > limit:
        raise DomainError(_("The file is larger than the limit of %(mb)d MB; split it into "
                            "several imports.") % {"mb": limit // (1024 * 1024)},
                          field="file", rule="max_size")
    job_id = job_register(actor=actor, commune=commune, file_name=upload.name, fmt=fmt,
                          dry_run=dry_run)
    folder = Path(settings.VAR_DIR) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{job_id}.{fmt}"
    with open(path, "wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    run_import.enqueue(job_id=job_id, path=str(path), commune_code=commune.code,
                       actor_id=actor.pk, fmt=fmt, dry_run=dry_run)
    return job_id


@task()
def run_import(*, job_id: str, path: str, commune_code: str, actor_id: int, fmt: str,
               dry_run: bool) -> dict:
    """The import of one uploaded file; progress under its job id; the file is deleted after."""
    file = Path(path)
    try:
        commune = AdministrativeUnit.objects.get(structure="2025", level="commune",
                                                 code=commune_code)
        actor = get_user_model().objects.get(pk=actor_id)
        _job_update(job_id, state="validating")

        def progress(phase: str, done: int, total: int | None) -> None:
            percent = min(100, round(100 * done / total)) if total else None
            _job_update(job_id, state="writing" if phase == "write" else "validating",
                        phase=phase, done=done, total=total, percent=percent)

        outcome = import_file(path=file, fmt=fmt, commune=commune, actor=actor,
                              dry_run=dry_run, progress=progress)
    except Exception:
        _job_update(job_id, state="failed", finished_at=timezone.now().isoformat())
        raise
    finally:
        file.unlink(missing_ok=True)
    outcome.pop("audit_entry", None)
    _job_update(job_id, **outcome, percent=100, finished_at=timezone.now().isoformat())
    return {"job": job_id, **outcome}
