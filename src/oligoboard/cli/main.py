"""`oligoboard …` — the command-line contract of the architecture note.

Exit codes: 0 success, 2 invalid input (the message names the field; nothing written), 1 internal error.
No traceback reaches the user: `main` turns every `OligoboardError` into its rendered message.

Start-up: this module and the command modules import only typer and the standard library at the top;
each command imports what it needs when it runs (`dose bed` never loads the knowledge base, `validate`
never evaluates a rule), so `oligoboard --help` costs little more than typer itself.
"""

from __future__ import annotations

import copy
import gc
import sys

import typer
from typer import _click

from oligoboard import __version__
from oligoboard.cli._coercion import install_plain_coercion
from oligoboard.cli._output import PLAIN_HELP
from oligoboard.cli._plugins import disable_pydantic_plugins
from oligoboard.cli.answers import answers
from oligoboard.cli.assess import assess
from oligoboard.cli.audit import audit_app
from oligoboard.cli.demo import demo
from oligoboard.cli.dose import dose_app, dvh_command, plan_app
from oligoboard.cli.fhir import export_fhir, import_fhir
from oligoboard.cli.funnel import funnel
from oligoboard.cli.guidelines import guidelines_app
from oligoboard.cli.migrate import migrate
from oligoboard.cli.new import new
from oligoboard.cli.qol import qol_app
from oligoboard.cli.schema import schema
from oligoboard.cli.screen import screen
from oligoboard.cli.serve import serve
from oligoboard.cli.survival import survival
from oligoboard.cli.synth import synth
from oligoboard.cli.trial_ops import trial_app
from oligoboard.cli.trials import trials_app
from oligoboard.cli.user import user_app
from oligoboard.cli.validate import validate
from oligoboard.errors import InputError, OligoboardError

app = typer.Typer(
    rich_markup_mode=PLAIN_HELP,
    name="oligoboard",
    help="Decision support for oligometastatic NSCLC: state, guidelines, trials, radiotherapy — every answer cited.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"oligoboard {__version__}")
        raise typer.Exit(0)


@app.callback()
def root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Decision support for oligometastatic NSCLC: state, guidelines, trials, radiotherapy — every answer cited."""


app.command()(assess)
app.command()(validate)
app.command()(schema)
app.command()(migrate)
app.command()(demo)
app.command()(answers)
app.command()(new)
app.add_typer(dose_app, name="dose")
app.command("dvh")(dvh_command)
app.add_typer(plan_app, name="plan")
app.add_typer(guidelines_app, name="guidelines")
app.add_typer(trials_app, name="trials")
app.add_typer(trial_app, name="trial")
app.command()(serve)
app.command()(synth)
app.command()(screen)
app.command()(funnel)
app.add_typer(user_app, name="user")
app.add_typer(audit_app, name="audit")
app.add_typer(qol_app, name="qol")
app.command()(survival)
app.command("import-fhir")(import_fhir)
app.command("export-fhir")(export_fhir)


def _report(prefix: str, message: str) -> None:
    from rich.text import Text

    from oligoboard.cli._output import err_console
    from oligoboard.report.terminal.literal import visible_lines

    err_console().print(
        Text(prefix, style="bold red") + Text(visible_lines(message)), highlight=False, soft_wrap=True
    )


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the Typer app and map errors to exit codes (2 input, 1 internal).

    Typer's standalone mode handles usage errors itself (message + exit 2); everything oligoboard raises
    is rendered here as one message, never a traceback. Simple parameters are converted without pydantic
    (`cli/_coercion.py`: Typer's adapters alone cost ≈ 120 ms of the 300 ms start-up budget).

    Garbage collection: a command allocates its whole working set at once (imports, pydantic schemas, the
    compiled knowledge), which makes the cyclic collector run dozens of passes that free nothing; it is
    paused while the command runs (reference counting still frees everything acyclic) and resumed after.
    Called as the console script (`argv` None: the process ends right after), the heap is also frozen, so
    interpreter shutdown skips its collection passes over it. Together ≈ 40-100 ms (docs/architecture.md).
    """
    disable_pydantic_plugins()  # no plugin scan (importlib.metadata, ≈ 25-50 ms): cli/_plugins.py
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _run(argv)
    finally:
        if collecting:
            gc.enable()
        if argv is None and "duckdb" not in sys.modules:
            # a frozen heap makes DuckDB's nanobind bindings report "leaked instances" at exit
            gc.freeze()


def _only(name: str) -> typer.Typer | None:
    """`app` narrowed to the root callback and the one command or group called `name` (None if none is).

    Why: Typer builds the click command of every registered command, with its parameters, on each start
    (≈ 10-15 ms for the whole tree); a run of `oligoboard assess …` needs one. The narrowed app shares the
    registrations of `app`, so help, usage and errors of that command are the same
    (`tests/test_cli_coercion.py` compares the help of every command both ways).
    """
    commands = [
        c
        for c in app.registered_commands
        if c.callback is not None and (c.name or typer.main.get_command_name(c.callback.__name__)) == name
    ]
    groups = [g for g in app.registered_groups if g.name == name]
    if len(commands) + len(groups) != 1:
        return None
    narrowed = copy.copy(app)
    narrowed.registered_commands, narrowed.registered_groups = commands, groups
    return narrowed


def click_command(argv: list[str]) -> _click.Command:
    """The click command for `argv`: only the invoked top-level command's when the first word names one."""
    first = argv[0] if argv else ""
    narrowed = _only(first) if first and not first.startswith("-") else None
    command = typer.main.get_command(narrowed or app)
    install_plain_coercion(command)
    return command


def _run(argv: list[str] | None) -> int:
    try:
        command = click_command(sys.argv[1:] if argv is None else argv)
        command(args=argv, prog_name="oligoboard", standalone_mode=True)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except InputError as exc:
        _report("error: ", exc.render())
        return 2
    except OligoboardError as exc:
        _report("internal error: ", exc.render())
        return 1
    except Exception as exc:  # anything unexpected: a one-line message, no traceback to the user
        _report("internal error: ", f"{type(exc).__name__}: {exc}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
