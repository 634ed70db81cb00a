"""The common base of domain models: when and by whom a row was created and last changed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class BaseModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    modified_at = models.DateTimeField(_("modified at"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    modified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("modified by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )

    class Meta:
        abstract = True


# --- Audit chain (docs/decisions/0006-audit-chain.md; writes in safecommune.core.audit) -------

GENESIS_HASH = "0" * 64


class AuditChain(models.Model):
    """One hash chain: the national one (``key="national"``, no commune) or a 2025 commune's
    (``key="commune:<code>"``). Writers lock this row, so one chain never forks while chains of
    different communes are written in parallel."""

    NATIONAL_KEY = "national"

    key = models.CharField(_("key"), max_length=40, unique=True)
    commune = models.OneToOneField(
        "territory.AdministrativeUnit", verbose_name=_("commune"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="audit_chain",
    )
    length = models.PositiveBigIntegerField(_("entries"), default=0)
    head_hash = models.CharField(_("head hash"), max_length=64, default=GENESIS_HASH)

    class Meta:
        verbose_name = _("audit chain")
        verbose_name_plural = _("audit chains")
        ordering = ["key"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(key="national", commune__isnull=True)
                           | (models.Q(commune__isnull=False) & ~models.Q(key="national"))),
                name="audit_chain_national_has_no_commune",
            ),
        ]

    def __str__(self) -> str:
        return self.key

    @property
    def head_seq(self) -> int:
        return self.length


class AuditEntry(models.Model):
    """One entry of a chain. ``hash`` covers every other field and the chain's key
    (``safecommune.core.audit.entry_hash``). ``details`` holds ids, counts and changed field
    names only: never secrets, never an informant's identity, never free personal data."""

    chain = models.ForeignKey(AuditChain, verbose_name=_("chain"), on_delete=models.PROTECT,
                              related_name="entries")
    seq = models.PositiveBigIntegerField(_("sequence number"))
    created_at = models.DateTimeField(_("at"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("actor"), null=True,
                              blank=True, on_delete=models.PROTECT, related_name="+")
    actor_label = models.CharField(_("actor name then"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=64, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    commune = models.ForeignKey("territory.AdministrativeUnit", verbose_name=_("commune"),
                                null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    details = models.JSONField(_("details"), default=dict, blank=True)
    row_count = models.PositiveBigIntegerField(_("rows"), null=True, blank=True)
    rows_digest = models.CharField(_("rows digest"), max_length=64, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["chain", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["chain", "seq"], name="audit_entry_seq_unique"),
        ]
        indexes = [
            models.Index(fields=["commune", "created_at"], name="audit_entry_commune_idx"),
            models.Index(fields=["object_type", "object_id"], name="audit_entry_object_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.chain_id}#{self.seq} {self.action}"


class AuditHeadSignature(models.Model):
    """A chain's head (seq and hash) signed with the Ed25519 key kept outside the database."""

    chain = models.ForeignKey(AuditChain, verbose_name=_("chain"), on_delete=models.PROTECT,
                              related_name="signatures")
    seq = models.PositiveBigIntegerField(_("sequence number"))
    hash = models.CharField(_("hash"), max_length=64)
    signed_at = models.DateTimeField(_("signed at"))
    signature = models.CharField(_("signature"), max_length=128)
    key_fingerprint = models.CharField(_("public key fingerprint"), max_length=64)

    class Meta:
        verbose_name = _("audit head signature")
        verbose_name_plural = _("audit head signatures")
        ordering = ["chain", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["chain", "seq"], name="audit_signature_seq_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.chain_id}@{self.seq}"
