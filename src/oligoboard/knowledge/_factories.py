"""Default factories for the knowledge spec models, written in Python on purpose (start-up, issue 10).

pydantic reads the signature of every `default_factory` when it builds a model, to know whether the
factory takes the validated data. For a builtin (`list`, `dict`) or a model class that means
`inspect.signature` tokenizing a text signature, ≈ 0.25 ms per field; a plain function's signature is
read from its code object at almost no cost. Same values: a new empty list, dict or model per instance.
"""

from __future__ import annotations

from typing import Any


def empty_list() -> list[Any]:
    """A new empty list (`Field(default_factory=empty_list)` instead of `default_factory=list`)."""
    return []


def empty_dict() -> dict[Any, Any]:
    """A new empty dict (`Field(default_factory=empty_dict)` instead of `default_factory=dict`)."""
    return {}
