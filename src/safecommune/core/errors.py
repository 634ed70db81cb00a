"""Domain errors: each names the field and the rule it broke, in the user's language."""

from __future__ import annotations


class DomainError(Exception):
    """Bad input or a forbidden action; the API maps it to a 4xx with a JSON body."""

    status_code = 400

    def __init__(self, message: str, *, field: str | None = None, rule: str = "invalid"):
        super().__init__(str(message))
        self.message = message
        self.field = field
        self.rule = rule

    def as_dict(self) -> dict:
        return {"field": self.field, "rule": self.rule, "message": str(self.message)}


class NotFound(DomainError):
    status_code = 404

    def __init__(self, message: str, *, field: str | None = None, rule: str = "not_found"):
        super().__init__(message, field=field, rule=rule)


class Conflict(DomainError):
    status_code = 409


class ValidationFailed(DomainError):
    """Several field errors at once, e.g. from ``full_clean()``."""

    status_code = 422

    def __init__(self, errors: list[dict]):
        first = errors[0] if errors else {"message": "invalid", "field": None, "rule": "invalid"}
        super().__init__(first["message"], field=first["field"], rule=first["rule"])
        self.errors = errors

    def as_list(self) -> list[dict]:
        return self.errors


def errors_of(exc: Exception) -> list[dict]:
    """Field errors of a DomainError or a Django ValidationError as ``{field, rule, message}``."""
    from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

    if isinstance(exc, ValidationFailed):
        return exc.as_list()
    if isinstance(exc, DomainError):
        return [exc.as_dict()]
    if isinstance(exc, ValidationError):
        result = []
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                for error in errors:
                    result.append({
                        "field": None if field == NON_FIELD_ERRORS else field,
                        "rule": error.code or "invalid",
                        "message": " ".join(error.messages),
                    })
        else:
            for error in exc.error_list:
                result.append({"field": None, "rule": error.code or "invalid",
                               "message": " ".join(error.messages)})
        return result
    return [{"field": None, "rule": "invalid", "message": str(exc)}]


def _loaded_relations(instance) -> list[str]:
    """Foreign keys whose target the caller already holds as a saved row: ``full_clean``
    would run one ``SELECT 1`` each to prove that row exists. The database's own foreign-key
    constraint still guards against a row deleted meanwhile; a key with ``limit_choices_to``
    keeps its check, as that one is a rule and not only existence."""
    names = []
    for field in instance._meta.concrete_fields:
        if (field.many_to_one and not field.remote_field.limit_choices_to
                and field.is_cached(instance)):
            target = field.get_cached_value(instance)
            if target is not None and target.pk is not None and not target._state.adding:
                names.append(field.name)
    return names


def full_clean_or_raise(instance, **kwargs) -> None:
    """``instance.full_clean`` with its errors as ``ValidationFailed``; relations the caller
    passed as loaded rows are not looked up again (their unique and constraint checks still
    run: only the field-level existence query is skipped)."""
    from django.core.exceptions import ValidationError

    loaded = _loaded_relations(instance)
    if loaded:
        clean_fields = instance.clean_fields
        instance.clean_fields = lambda exclude=None: clean_fields(
            exclude={*(exclude or ()), *loaded})
    try:
        instance.full_clean(**kwargs)
    except ValidationError as exc:
        raise ValidationFailed(errors_of(exc)) from None
    finally:
        if loaded:
            del instance.clean_fields
