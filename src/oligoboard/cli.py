"""`oligoboard …` — the command-line contract of the architecture note.

Exit codes: 0 success, 2 invalid input (the message names the field; nothing written), 1 internal error.
No traceback reaches the user: `main` turns every `OligoboardError` into its rendered message.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import track
from rich.text import Text

from oligoboard import __version__
from oligoboard.case.io import load_case
from oligoboard.case.models import Case
from oligoboard.errors import InputError, OligoboardError
from oligoboard.subsystems import optional_module

app = typer.Typer(
    name="oligoboard",
    help="Decision support for oligometastatic NSCLC: state, guidelines, trials, radiotherapy — every answer cited.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
err_console = Console(stderr=True)
EXAMPLES_DIR = Path(__file__).resolve().parents[2] / "examples" / "cases"


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


def _engine() -> Any:
    from oligoboard.engine.runner import Engine

    return Engine()


@app.command()
def assess(
    case_path: Annotated[Path, typer.Argument(metavar="CASE", help="Case document (JSON or YAML).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the JSON contract.")] = False,
) -> None:
    """Full assessment of one case: disease state, recommendations, trials, radiotherapy checks."""
    from oligoboard.assessment import assess as run_assessment
    from oligoboard.render import render_assessment

    case = load_case(case_path)
    out = run_assessment(case, _engine())
    if as_json:
        _print_json(out)
    else:
        render_assessment(Console(), out)


@app.command()
def validate(
    case_paths: Annotated[list[Path], typer.Argument(metavar="CASE...", help="Case documents to check.")],
) -> None:
    """Check case documents against the contract; report every problem with its field path."""
    failures: list[OligoboardError] = []
    for path in case_paths:
        try:
            load_case(path)
            typer.echo(f"ok  {path}")
        except InputError as exc:
            failures.append(exc)
    if failures:
        raise InputError(
            f"{len(failures)} invalid case document(s)", [p for f in failures for p in f.problems]
        ) from (failures[0])


@app.command()
def schema() -> None:
    """Print the JSON Schema of the case contract (oligoboard/case@1)."""
    _print_json(Case.model_json_schema(by_alias=True))


@app.command()
def demo(
    directory: Annotated[Path, typer.Option(help="Folder of demo cases.")] = EXAMPLES_DIR,
) -> None:
    """Assess every demo case on embedded defaults (DuckDB in memory) and print a summary."""
    from rich.table import Table

    from oligoboard.assessment import assemble
    from oligoboard.render import styled

    files = sorted(p for p in directory.glob("*") if p.suffix in (".json", ".yaml", ".yml"))
    if not files:
        raise InputError(f"{directory}: no demo cases found")
    engine = _engine()
    console = Console()
    cases = [
        load_case(p)
        for p in track(files, description="Reading demo cases", console=err_console, transient=True)
    ]
    results = engine.evaluate(cases, backend="duckdb")  # one batch on DuckDB in memory, the embedded default
    table = Table(title=f"oligoboard {__version__} — {len(cases)} demo cases on DuckDB in memory")
    for col in ("case", "ESTRO/EORTC state", "OMD", "M", "stage", "guidelines that apply", "trials"):
        table.add_column(col, overflow="fold")
    for case, result in zip(cases, results, strict=True):
        out = assemble(case, result, engine.kb)
        ds = out["disease_state"]
        applies = [r["id"] for r in out.get("recommendations", []) if r["status"] == "applies"]
        statuses = [t["status"] for t in out.get("trials", [])]
        table.add_row(
            out["case_id"].removeprefix("demo-"),
            styled(ds["estro_eortc"] or ("not OMD" if ds["omd"] is False else None)),
            styled(ds["omd"]),
            styled(ds["tnm9_m"]),
            styled(ds["stage"]),
            _short_recommendations(applies),
            f"{statuses.count('eligible')} eligible, {statuses.count('undetermined')} open",
        )
    console.print(f"knowledge {engine.kb.full_version}", style="dim")
    console.print(table)
    console.print("Details: oligoboard assess examples/cases/<case>.json  (add --json for the contract)")


def _short_recommendations(ids: list[str]) -> str:
    """`dlcg-2025-3, dlcg-2025-4, astro-estro-2023-1` → `DLCG 3,4 · ASTRO/ESTRO 1`."""
    groups: dict[str, list[str]] = {}
    for rid in ids:
        head, _, number = rid.rpartition("-")
        label = {"dlcg-2025": "DLCG", "astro-estro-2023": "ASTRO/ESTRO"}.get(head, head)
        groups.setdefault(label, []).append(number)
    return " · ".join(f"{label} {','.join(numbers)}" for label, numbers in groups.items())


def _mount_optional(module: str, attr: str, name: str) -> None:
    """Sub-commands of the subsystems (dose, guidelines, trials) when they are installed."""
    mod = optional_module(module)
    if mod is None:
        return
    obj = getattr(mod, attr)
    if isinstance(obj, typer.Typer):
        app.add_typer(obj, name=name)
    else:
        app.command(name)(obj)


_mount_optional("oligoboard.dose.cli", "dose_app", "dose")
_mount_optional("oligoboard.dose.cli", "dvh_command", "dvh")
_mount_optional("oligoboard.dose.cli", "plan_app", "plan")
_mount_optional("oligoboard.guidelines.cli", "guidelines_app", "guidelines")
_mount_optional("oligoboard.trials.cli", "trials_app", "trials")


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the Typer app and map errors to exit codes (2 input, 1 internal).

    Typer's standalone mode handles usage errors itself (message + exit 2); everything oligoboard raises
    is rendered here as one message, never a traceback.
    """
    try:
        app(args=argv, prog_name="oligoboard", standalone_mode=True)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except InputError as exc:
        err_console.print(
            Text("error: ", style="bold red") + Text(exc.render()), highlight=False, soft_wrap=True
        )
        return 2
    except OligoboardError as exc:
        err_console.print(Text("internal error: ", style="bold red") + Text(exc.render()), soft_wrap=True)
        return 1
    except Exception as exc:  # anything unexpected: a one-line message, no traceback to the user
        err_console.print(Text("internal error: ", style="bold red") + Text(f"{type(exc).__name__}: {exc}"))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
