"""``EncryptedTextField`` and the registry of every model field that uses it.

The column holds the token of ``encrypt_text``; Python sees plain ``str`` (None and "" are
stored as they are). Encryption happens on save, decryption when a row is loaded. The column
cannot be searched, compared, ordered meaningfully or made unique: every encryption of the same
text differs. Filtering allows only ``isnull`` and equality with "" or None; for exact look-ups
keep ``blind_index(value, context=...)`` in a separate indexed column.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import FieldError, ImproperlyConfigured
from django.db import models
from django.db.models.lookups import Exact, Lookup

from safecommune.core.crypto.cipher import _check_context, decrypt_text, encrypt_text


@dataclass(frozen=True)
class EncryptedField:
    model: type[models.Model]
    field: EncryptedTextField

    @property
    def label(self) -> str:
        return f"{self.model._meta.label}.{self.field.name}"


_registry: dict[str, EncryptedField] = {}


def encrypted_fields() -> list[EncryptedField]:
    """Every concrete model field declared as EncryptedTextField, by label."""
    return [_registry[label] for label in sorted(_registry)]


def register(model: type[models.Model], field: EncryptedTextField) -> None:
    entry = EncryptedField(model, field)
    for other in _registry.values():
        if other.field.context == field.context and other.label != entry.label:
            raise ImproperlyConfigured(
                f"{entry.label} and {other.label} share the encryption context "
                f"{field.context!r}; give each field its own, or a value copied from one to "
                "the other would still decrypt")
    _registry[entry.label] = entry


def unregister(model: type[models.Model]) -> None:
    """Forget a model's fields (for models made and dropped at run time, e.g. in tests)."""
    for label in [label for label, entry in _registry.items() if entry.model is model]:
        del _registry[label]


class _EmptyOnlyExact(Exact):
    def get_prep_lookup(self):
        if self.rhs is not None and self.rhs != "":
            raise FieldError(_refusal(self.lhs, "exact"))
        return super().get_prep_lookup()


def _refusal(lhs, lookup_name: str) -> str:
    name = getattr(getattr(lhs, "target", None), "name", "an encrypted field")
    return (f"{name} is encrypted and cannot be searched with '{lookup_name}'; filter by a "
            "blind index column instead (safecommune.core.crypto.blind_index)")


class EncryptedTextField(models.TextField):
    """Text encrypted at rest with AES-256-GCM under the field key ring.

    ``context`` binds the values to this column: choose a stable name such as
    ``"reports.tip.informant_name"``, unique among encrypted fields, and never change it (values
    written under the old context would no longer decrypt).
    """

    def __init__(self, *args, context: str, **kwargs):
        _check_context(context)
        for option in ("unique", "db_index", "primary_key"):
            if kwargs.get(option):
                raise ImproperlyConfigured(
                    f"an EncryptedTextField cannot be {option}: every encryption of a value "
                    "differs; index a blind_index column instead")
        self.context = context
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["context"] = self.context
        return name, path, args, kwargs

    def contribute_to_class(self, cls, name, private_only=False):
        super().contribute_to_class(cls, name, private_only=private_only)
        # Models rendered from migration states live in the module "__fake__".
        if not cls._meta.abstract and cls.__module__ != "__fake__":
            register(cls, self)

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt_text(value, context=self.context)

    def get_db_prep_save(self, value, connection):
        value = super().get_db_prep_save(value, connection)
        if value is None or value == "" or hasattr(value, "as_sql"):
            return value
        return encrypt_text(value, context=self.context)

    def get_lookup(self, lookup_name):
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        if lookup_name == "exact":
            return _EmptyOnlyExact

        class Refused(Lookup):
            def __init__(self, lhs, rhs):
                raise FieldError(_refusal(lhs, lookup_name))

        return Refused
