"""Recomputing chains (``audit_verify``) and signing their heads (``audit_sign_heads``)."""

from __future__ import annotations

import dataclasses
import logging

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.db import models
from django.db.models import Max, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from safecommune.core.audit.canonical import ENTRY_FIELDS, entry_hash
from safecommune.core.audit.keys import (
    key_fingerprint,
    signed_message,
    signing_key,
    signing_key_path,
)
from safecommune.core.models import GENESIS_HASH, AuditChain, AuditEntry, AuditHeadSignature

logger = logging.getLogger("safecommune.core.audit")


@dataclasses.dataclass(frozen=True)
class AuditBreak:
    chain: str
    label: str
    seq: int
    reason: str
    message: str

    def __str__(self) -> str:
        return f"chain {self.label} ({self.chain}), entry {self.seq}: {self.reason}: {self.message}"


@dataclasses.dataclass(frozen=True)
class ChainStatus:
    chain: str
    label: str
    entries: int
    last_signed_seq: int | None


@dataclasses.dataclass
class VerifyReport:
    chains: list[ChainStatus]
    breaks: list[AuditBreak]

    @property
    def ok(self) -> bool:
        return not self.breaks

    @property
    def first_break(self) -> AuditBreak | None:
        return self.breaks[0] if self.breaks else None


def chain_label(chain: AuditChain) -> str:
    if chain.commune is None:
        return "national"
    return f"{chain.commune.code} {chain.commune.name}"


def _walk(chain: AuditChain, *, after_seq: int = 0, after_hash: str = GENESIS_HASH,
          signed: dict[int, str] | None = None) -> tuple[int, int, str, tuple | None]:
    """Recompute the chain's entries after ``after_seq`` in order.

    Returns (entries read, last good seq, last good hash, first problem as (seq, reason,
    message) or None). After a problem the rest is only counted.
    """
    signed = signed or {}
    expected, previous, count, problem = after_seq + 1, after_hash, 0, None
    rows = (AuditEntry.objects.filter(chain=chain, seq__gt=after_seq).order_by("seq")
            .values_list(*ENTRY_FIELDS).iterator(chunk_size=2000))
    for values in rows:
        count += 1
        if problem:
            continue
        fields = dict(zip(ENTRY_FIELDS, values, strict=True))
        seq = fields["seq"]
        if seq != expected:
            problem = (expected, "missing", f"entries {expected}..{seq - 1} are missing "
                       f"(the next entry found is {seq})" if seq > expected + 1 else
                       f"entry {expected} is missing (the next entry found is {seq})")
        elif fields["prev_hash"] != previous:
            problem = (seq, "out_of_order", "the entry does not follow the previous one "
                       "(its prev_hash differs): entries were reordered, replaced or inserted")
        elif entry_hash(chain_key=chain.key, **{k: v for k, v in fields.items()
                                                if k != "hash"}) != fields["hash"]:
            problem = (seq, "altered", "the entry's content no longer matches its hash")
        elif seq in signed and signed[seq] != fields["hash"]:
            problem = (seq, "signed_head_mismatch", "the entry differs from the head signed at "
                       "this sequence number: the chain was rewritten up to here")
        else:
            previous, expected = fields["hash"], seq + 1
    return count, expected - 1, previous, problem


def _check_signatures(chain: AuditChain, signatures: list[AuditHeadSignature],
                      public_key: Ed25519PublicKey | None) -> tuple | None:
    fingerprint = key_fingerprint(public_key) if public_key else None
    for sig in signatures:
        if public_key is None:
            return (sig.seq, "no_signing_key", f"the head is signed but the key file "
                    f"{signing_key_path()} is missing, so the signature cannot be checked")
        if sig.key_fingerprint != fingerprint:
            return (sig.seq, "unknown_signing_key", "the head was signed with another key "
                    f"(fingerprint {sig.key_fingerprint[:16]}…)")
        message = signed_message(chain_key=chain.key, seq=sig.seq, head_hash=sig.hash,
                                  signed_at=sig.signed_at)
        try:
            public_key.verify(bytes.fromhex(sig.signature), message)
        except (InvalidSignature, ValueError):
            return (sig.seq, "bad_signature", "the head signature does not verify")
    return None


def _verify_chain(chain: AuditChain, public_key) -> tuple[ChainStatus, AuditBreak | None]:
    signatures = list(chain.signatures.order_by("seq"))
    last_signed = signatures[-1].seq if signatures else None
    problems = []
    bad_signature = _check_signatures(chain, signatures, public_key)
    if bad_signature:
        problems.append(bad_signature)
    count, last_seq, last_hash, problem = _walk(
        chain, signed={sig.seq: sig.hash for sig in signatures})
    if problem:
        problems.append(problem)
    else:
        if last_signed is not None and last_signed > last_seq:
            problems.append((last_seq + 1, "tail_cut", f"the head signed at entry {last_signed} "
                             f"is gone: the chain ends at {last_seq}"))
        elif chain.length > last_seq:
            problems.append((last_seq + 1, "tail_cut", f"the chain's head says {chain.length} "
                             f"entries, the chain ends at {last_seq}"))
        elif chain.length != last_seq or chain.head_hash != last_hash:
            problems.append((last_seq, "head_mismatch", "the chain's head record does not "
                             "match its last entry"))
    label = chain_label(chain)
    status = ChainStatus(chain=chain.key, label=label, entries=count, last_signed_seq=last_signed)
    if not problems:
        return status, None
    seq, reason, message = min(problems, key=lambda p: p[0])
    return status, AuditBreak(chain=chain.key, label=label, seq=seq, reason=reason,
                              message=message)


def audit_verify(*, chain: AuditChain | str | None = None) -> VerifyReport:
    """Recompute every chain (or one, by row or key) and check it against its signed heads."""
    chains = AuditChain.objects.select_related("commune").order_by(
        Coalesce("commune__code", models.Value("")), "key")
    if chain is not None:
        chains = chains.filter(key=chain.key if isinstance(chain, AuditChain) else chain)
    key = signing_key(create=False)
    public_key = key.public_key() if key else None
    report = VerifyReport(chains=[], breaks=[])
    for row in chains:
        status, broken = _verify_chain(row, public_key)
        report.chains.append(status)
        if broken:
            report.breaks.append(broken)
    return report


# --- Signing ---------------------------------------------------------------------------------

@dataclasses.dataclass
class SignReport:
    signed: list[tuple[str, int]]
    refused: list[AuditBreak]


def audit_sign_heads() -> SignReport:
    """Sign the head of every chain that grew since its last signature.

    The entries since the last signed head are recomputed first: a chain that no longer links
    to its signed head is refused (and logged), never signed over.
    """
    key = signing_key(create=True)
    public_key = key.public_key()
    fingerprint = key_fingerprint(public_key)
    report = SignReport(signed=[], refused=[])
    chains = (AuditChain.objects.select_related("commune")
              .annotate(signed_seq=Coalesce(Max("signatures__seq"), 0))
              .filter(Q(length__gt=models.F("signed_seq"))).order_by("key"))
    for chain in chains:
        last = chain.signatures.order_by("-seq").first()
        after_seq, after_hash = (last.seq, last.hash) if last else (0, GENESIS_HASH)
        _count, head_seq, head_hash, problem = _walk(chain, after_seq=after_seq,
                                                     after_hash=after_hash)
        if problem is None and head_seq < chain.length:
            problem = (head_seq + 1, "tail_cut", f"the chain's head says {chain.length} "
                       f"entries, the chain ends at {head_seq}")
        if problem:
            broken = AuditBreak(chain=chain.key, label=chain_label(chain), seq=problem[0],
                                reason=problem[1], message=problem[2])
            logger.error("audit head not signed: %s", broken)
            report.refused.append(broken)
            continue
        signed_at = timezone.now()
        signature = key.sign(signed_message(chain_key=chain.key, seq=head_seq,
                                             head_hash=head_hash, signed_at=signed_at))
        AuditHeadSignature.objects.bulk_create([AuditHeadSignature(
            chain=chain, seq=head_seq, hash=head_hash, signed_at=signed_at,
            signature=signature.hex(), key_fingerprint=fingerprint)], ignore_conflicts=True)
        # Logged as well, so a copy of the signed heads lives outside the database.
        logger.info("audit head signed: chain=%s seq=%d hash=%s", chain.key, head_seq, head_hash)
        report.signed.append((chain.key, head_seq))
    return report
