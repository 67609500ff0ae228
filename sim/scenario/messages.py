"""Error messages of scenario input: one field path and one line per problem."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, get_args

from pydantic import (
    BaseModel,
    ValidationError,
)

from sim.common.inputs import (
    shorten,
)


def format_loc(loc: Iterable[int | str]) -> str:
    """Return a schema location as a field path (``countries[3].domestic_pressure``)."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _format_error(error: Mapping[str, Any]) -> str:
    kind = error["type"]
    if kind == "value_error":
        return str(error["ctx"]["error"])
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        return "unknown field"
    if kind == "literal_error":
        return _not_one_of(error["input"], str(error["ctx"]["expected"]))
    if kind == "model_type":  # pydantic says "a valid dictionary or instance of Issue"
        return f"must be a mapping of fields, got {shorten(error['input'])}"
    message = str(error["msg"])
    message = message[0].lower() + message[1:]
    if message.startswith("input should be"):
        message = "must be" + message[len("input should be") :]
    return f"{message}, got {shorten(error['input'])}"


LONG_CHOICES = 100
"""Longer than this, a list of allowed values comes after the value given (which an error
line cut to its length keeps), with the closest allowed value suggested."""


def _not_one_of(value: Any, expected: str) -> str:
    """Message for a value outside a fixed set (``expected``: pydantic's "'a', 'b' or 'c'")."""
    if len(expected) <= LONG_CHOICES:
        return f"must be {expected}, got {shorten(value)}"
    choices = [part.strip("'") for part in expected.replace(" or ", ", ").split(", ")]
    close = difflib.get_close_matches(str(value), choices, 1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"got {shorten(value)}{hint}, which is not one of: {expected}"


def first_error(
    exc: ValidationError, model: type[BaseModel] | None = None
) -> tuple[tuple[int | str, ...], str]:
    """Return the location and message of a pydantic error's first problem (plus a count).

    An unknown field comes first: a misspelt field is both unknown and missing, and its own
    spelling is what the user must fix. With ``model`` (the validated class), the message
    suggests the closest known field; the "missing" twin of a misspelling is not counted.
    """
    errors = exc.errors()
    unknown = [e for e in errors if e["type"] == "extra_forbidden"]
    error = unknown[0] if unknown else errors[0]
    message = _format_error(error)
    others = len(errors) - 1
    if unknown and model is not None:
        loc = tuple(error["loc"])
        close = difflib.get_close_matches(str(loc[-1]), _known_fields(model, loc[:-1]), 1)
        if close:
            message = f"unknown field; did you mean {close[0]!r}?"
            others -= any(
                e["type"] == "missing" and tuple(e["loc"]) == (*loc[:-1], close[0]) for e in errors
            )
    return tuple(error["loc"]), message + (f" (and {others} more)" if others else "")


def _known_fields(model: type[BaseModel], parent: tuple[int | str, ...]) -> list[str]:
    """Field names of the model found at ``parent`` inside ``model`` (none if not a model).

    List indices and mapping keys keep the item's model; a field name descends into its type.
    """
    current: type[BaseModel] | None = model
    for part in parent:
        if current is None:
            return []
        field = current.model_fields.get(part) if isinstance(part, str) else None
        if field is not None:
            current = next(_models_in(field.annotation), None)
    return list(current.model_fields) if current is not None else []


def _models_in(annotation: Any) -> Iterator[type[BaseModel]]:
    """Pydantic models named in a type annotation (``list[X]``, ``dict[str, X]``, ``X | None``)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for arg in get_args(annotation):
        yield from _models_in(arg)


def format_validation_error(
    exc: ValidationError, model: type[BaseModel] | None = None
) -> tuple[str, str]:
    """Return the field path and message of a pydantic error's first problem.

    See :func:`first_error` (``model`` lets it suggest a close field name).
    """
    loc, message = first_error(exc, model)
    return format_loc(loc), message


def unknown_name(kind: str, value: str, known: Iterable[str] = ()) -> str:
    """Return the message for an unknown name, listing the known ones (cut to 100 chars)."""
    names = ", ".join(sorted(known))
    if len(names) > 100:
        names = names[:97] + "..."
    return f"unknown {kind} {shorten(value)}" + (f" (known: {names})" if names else "")
