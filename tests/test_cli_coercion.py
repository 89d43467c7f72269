"""The CLI's plain parameter conversion (cli/_coercion.py) agrees with Typer's own pydantic adapters.

Typer builds a pydantic TypeAdapter per parameter; the CLI swaps in plain converters for simple types to
keep pydantic out of start-up. Each row is converted both ways: same value, or both refuse it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import typer
from typer import _click
from typer._adapters import build_adapter
from typer.core import _TyperParameter
from typer.main import get_command

from oligoboard.cli._coercion import PlainRuntimeParam, install_plain_coercion, plain_runtime_param
from oligoboard.cli.main import app, main

ROWS: list[tuple[Any, Any]] = [
    (int, "5"),
    (int, " 7 "),
    (int, "-3"),
    (int, "5.5"),
    (int, "abc"),
    (int, ""),
    (float, "30"),
    (float, "2.5"),
    (float, "1e3"),
    (float, "abc"),
    (float, ""),
    (bool, "true"),
    (bool, "No"),
    (bool, "maybe"),
    (str, "dlcg-2025-4"),
    (str, "with space"),
    (Path, "examples/cases/x.json"),
    (Path, "-"),
    (list[Path], ("a.json", "b.yaml")),
    (list[str], ("PTV",)),
]


def _probe(annotation: Any) -> tuple[_TyperParameter, _click.Command]:
    probe = typer.Typer()

    @probe.command()
    def command(value: Any = typer.Option(None, "--value")) -> None:  # pragma: no cover - never invoked
        """Only its parameter is used."""

    command.__annotations__["value"] = annotation
    built = get_command(probe)
    param = built.params[0]
    assert isinstance(param, _TyperParameter)
    assert param.type_descriptor.annotation == annotation
    return param, built


@pytest.mark.parametrize(("annotation", "raw"), ROWS)
def test_plain_conversion_matches_typers_adapter(annotation: Any, raw: Any) -> None:
    param, built = _probe(annotation)
    plain = plain_runtime_param(param)
    assert isinstance(plain, PlainRuntimeParam), f"{annotation} should take the plain path"
    ctx = _click.Context(built)
    adapter = build_adapter(annotation, param.type_descriptor.parameter_info)
    try:
        expected: Any = adapter.validate_python(raw)
    except Exception:
        expected = "refused"
    try:
        got: Any = plain.coerce(raw, param=param, ctx=ctx)
    except _click.exceptions.BadParameter:
        got = "refused"
    assert got == expected


def test_complex_parameters_keep_typers_adapter() -> None:
    from typing import Literal

    assert plain_runtime_param(_probe(Literal["a", "b"])[0]) is None


def test_every_parameter_of_the_cli_is_converted_plainly() -> None:
    """If a command grows a parameter type the plain path does not know, start-up pays for pydantic again."""
    command = get_command(app)
    install_plain_coercion(command)
    missing: list[str] = []

    def walk(cmd: _click.Command, path: str) -> None:
        for param in cmd.params:
            if isinstance(param, _TyperParameter) and not isinstance(param._runtime_param, PlainRuntimeParam):
                missing.append(f"{path} {param.name}")
        for name, sub in getattr(cmd, "commands", {}).items():
            walk(sub, f"{path} {name}")

    walk(command, "oligoboard")
    assert missing == []


def test_bad_number_is_a_usage_error_naming_the_option(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["dose", "bed", "--dose", "abc", "--fractions", "5"]) == 2
    err = capsys.readouterr().err
    assert "--dose" in err
    assert "Traceback" not in err


def _names() -> list[str]:
    from typer.main import get_command_name

    commands = [
        c.name or get_command_name(c.callback.__name__) for c in app.registered_commands if c.callback
    ]
    return [*commands, *(str(g.name) for g in app.registered_groups)]


@pytest.mark.parametrize("name", _names())
def test_narrowed_app_gives_the_same_help_as_the_full_app(name: str) -> None:
    """`main` builds only the invoked top-level command (cli.main.click_command); its help must not change."""
    from oligoboard.cli.main import click_command

    full, narrowed = get_command(app), click_command([name])
    assert narrowed is not full and set(getattr(narrowed, "commands", {})) == {name}
    sub_full = getattr(full, "commands", {})[name]
    sub_narrow = getattr(narrowed, "commands", {})[name]
    with (
        _click.Context(full, info_name="oligoboard") as root_full,
        _click.Context(narrowed, info_name="oligoboard") as root_narrow,
    ):
        help_full = sub_full.get_help(_click.Context(sub_full, info_name=name, parent=root_full))
        help_narrow = sub_narrow.get_help(_click.Context(sub_narrow, info_name=name, parent=root_narrow))
    assert help_narrow == help_full
    assert "--help" in help_full


def test_unknown_or_option_first_builds_the_full_app() -> None:
    from oligoboard.cli.main import click_command

    for argv in (["--version"], ["nosuch"], []):
        assert set(getattr(click_command(argv), "commands", {})) == set(_names())
