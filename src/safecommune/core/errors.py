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


def full_clean_or_raise(instance, **kwargs) -> None:
    from django.core.exceptions import ValidationError

    try:
        instance.full_clean(**kwargs)
    except ValidationError as exc:
        raise ValidationFailed(errors_of(exc)) from None
