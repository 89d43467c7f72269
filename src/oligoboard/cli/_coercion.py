"""Plain coercion of the CLI's simple parameters, so a command does not pay for pydantic before it runs.

Why: Typer 0.29 converts every parameter value through a pydantic ``TypeAdapter`` built when the value is
processed (even the ``--help`` flag of every command level, whose value is None). The first adapter imports
pydantic's schema machinery: ≈ 120 ms on the 2-core machine, measured with ``python -X importtime``, which
alone broke the 300 ms start-up budget of ``oligoboard dose bed`` (docs/architecture.md, "Start-up").

What: before the click command tree runs, every parameter whose annotation is one of ``bool``, ``int``,
``float``, ``str``, ``Path`` or a ``list`` of them — with no custom parser, choices, range or date format —
gets a runtime converter doing what the adapter does for those types (the same lax string conversion; paths
still go through Typer's own ``coerce_cli_path`` for exists/dash/resolve rules). Anything else keeps Typer's
adapter. This relies on two private names of the pinned ``typer==0.29.1`` (``_runtime_param`` and
``typer._coercion.RuntimeParam``); ``tests/test_startup_imports.py`` fails if pydantic comes back into
``dose bed``, and ``tests/test_cli_coercion.py`` checks each conversion against Typer's own adapter.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args, get_origin

from typer import _click
from typer._click.exceptions import BadParameter
from typer._coercion import RuntimeParam
from typer.core import _TyperParameter

_TRUE = frozenset({"1", "on", "t", "true", "y", "yes"})
_FALSE = frozenset({"0", "off", "f", "false", "n", "no"})
_LEAVES: frozenset[Any] = frozenset({bool, int, float, str, Path})


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.strip().lower()
        if word == "" or word in _FALSE:
            return False
        if word in _TRUE:
            return True
    raise ValueError(f"{value!r} is not a valid boolean.")


def _int(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            pass
    raise ValueError(f"{value!r} is not a valid integer.")


def _float(value: Any) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            pass
    raise ValueError(f"{value!r} is not a valid number.")


def _str(value: Any) -> str:
    if isinstance(value, bytes):
        return os.fsdecode(value)
    return str(value)


@dataclass(frozen=True)
class PlainRuntimeParam(RuntimeParam):
    """Typer's runtime-coercion contract for one simple parameter, without pydantic."""

    leaf: Any = None
    is_list: bool = False

    def _coerce_value(self, value: Any, param: _TyperParameter, ctx: _click.Context) -> Any:
        try:
            if self.is_list:
                items = value if isinstance(value, list | tuple) else [value]
                return [self._leaf(item, param, ctx) for item in items]
            return self._leaf(value, param, ctx)
        except ValueError as exc:
            raise BadParameter(str(exc), ctx=ctx, param=param) from None

    def _leaf(self, value: Any, param: _TyperParameter, ctx: _click.Context) -> Any:
        if self.leaf is bool:
            return _bool(value)
        if self.leaf is int:
            return _int(value)
        if self.leaf is float:
            return _float(value)
        if self.leaf is str:
            return _str(value)
        from typer._param_types import coerce_cli_path

        as_path = value if isinstance(value, Path) else Path(_str(value))
        return coerce_cli_path(as_path, self.parameter_info, path_type=Path, param=param, ctx=ctx)


def plain_runtime_param(param: _TyperParameter) -> PlainRuntimeParam | None:
    """The plain converter for `param`, or None when Typer's own adapter must handle it."""
    descriptor = param.type_descriptor
    info = descriptor.parameter_info
    annotation: Any = descriptor.annotation
    if info.parser is not None or descriptor.is_choice or descriptor.is_ranged or descriptor.is_file:
        return None
    is_list = get_origin(annotation) is list
    leaf = get_args(annotation)[0] if is_list and len(get_args(annotation)) == 1 else annotation
    if leaf not in _LEAVES or (leaf is Path and info.path_type is not None):
        return None
    if leaf is not Path and (info.exists or info.resolve_path or info.allow_dash):
        return None  # a str routed to path rules: leave it to Typer
    return PlainRuntimeParam(parameter_info=info, annotation=annotation, leaf=leaf, is_list=is_list)


def install_plain_coercion(command: _click.Command) -> None:
    """Give every simple parameter of `command` and its subcommands (help options too) a plain converter."""
    params = list(command.params)
    help_option = command.get_help_option(_click.Context(command))
    if help_option is not None:
        params.append(help_option)
    for param in params:
        if isinstance(param, _TyperParameter) and param._runtime_param is None:
            param._runtime_param = plain_runtime_param(param)
    for sub in getattr(command, "commands", {}).values():
        install_plain_coercion(sub)
