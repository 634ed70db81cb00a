"""Why a value could not be decrypted, in the reader's language.

These are not bad input: they mean the key ring and the database no longer match (a key was
lost or retired too early) or someone edited a stored value. Callers let them surface as a
server error and an administrator restores the key ring from its backup.
"""

from __future__ import annotations

from django.utils.translation import gettext as _


class FieldCryptoError(Exception):
    """A stored encrypted value cannot be turned back into text."""

    def __init__(self, message: str, *, context: str, key_id: str | None):
        super().__init__(str(message))
        self.message = message
        self.context = context
        self.key_id = key_id


class UnknownFieldKey(FieldCryptoError):
    """The value names a key that is not (or no longer) in the key ring."""

    def __init__(self, *, context: str, key_id: str):
        super().__init__(
            _("This value is encrypted with key %(key_id)s, which is missing from the key "
              "ring. An administrator must restore the key ring file from its backup.")
            % {"key_id": key_id},
            context=context, key_id=key_id)


class CannotDecrypt(FieldCryptoError):
    """The value is malformed, was altered, or belongs to another field."""

    def __init__(self, *, context: str, key_id: str | None):
        super().__init__(
            _("This encrypted value cannot be decrypted: it was altered, or it was copied "
              "from another field."),
            context=context, key_id=key_id)
