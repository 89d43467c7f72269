"""The hostile-input corpus (tests/case/make_hostile.py) through the real CLI: exit 2, bounded stderr.

Each document is refused by a named limit of `InputLimits` (or accepted, for the BOM files), on both the
`validate` and the `assess` path, with an error that never echoes the document (a sentinel in the keys
must not reach stderr) and never grows with the input (a capped list of problems plus a count).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from oligoboard.cli.main import main
from oligoboard.errors import MAX_RENDERED_PROBLEMS
from tests.case.make_hostile import (
    RAW_CONTROLS,
    SENTINEL,
    batch_corpus,
    corpus,
    terminal_corpus,
    write_batch_corpus,
    write_corpus,
)

NAMES = sorted(corpus())
#: Generous bound on stderr for one refused document: a screenful, whatever the input's size.
MAX_STDERR_CHARS = 4_000


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, int, str]]:
    return write_corpus(tmp_path_factory.mktemp("hostile"))


@pytest.mark.parametrize("command", ["validate", "assess"])
@pytest.mark.parametrize("name", NAMES)
def test_hostile_document_exit_code_and_bounded_stderr(
    hostile: dict[str, tuple[Path, int, str]],
    capsys: pytest.CaptureFixture[str],
    command: str,
    name: str,
) -> None:
    path, code, phrase = hostile[name]
    argv = [command, str(path)] + (["--json"] if command == "assess" else [])
    assert main(argv) == code
    _, err = capsys.readouterr()
    assert phrase in err, err
    assert len(err) <= MAX_STDERR_CHARS
    assert SENTINEL not in err
    assert "Traceback" not in err and "internal error" not in err
    assert "set_int_max_str_digits" not in err and "out of range" not in err


@pytest.mark.parametrize("name", sorted(terminal_corpus()))
def test_terminal_report_prints_case_strings_literally(
    hostile: dict[str, tuple[Path, int, str]],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    name: str,
) -> None:
    """ESC/OSC, BEL, NUL and U+202E in a case id are shown as escapes; `[/red]` as a course id is text,
    not markup (it used to crash the report with exit 1)."""
    monkeypatch.setenv("COLUMNS", "300")  # wide enough that no escaped id is wrapped inside a cell
    path, _, _ = hostile[name]
    assert main(["assess", str(path)]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    for raw in RAW_CONTROLS:
        assert raw not in out, repr(raw)
    for shown in terminal_corpus()[name]:
        assert shown in out, shown


def test_batch_folder_errors_do_not_stop_the_rest(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """One record per case file in order, each naming its file; a repeated case id is an error for the
    second file only; nothing in the records or on stderr quotes a value."""
    import json

    files = write_batch_corpus(tmp_path / "batch")
    assert main(["assess", str(tmp_path / "batch"), "--jsonl"]) == 2
    out, err = capsys.readouterr()
    records = [json.loads(line) for line in out.splitlines()]
    expected = [n for n in sorted(batch_corpus()) if n.endswith((".json", ".yaml"))]
    assert [Path(r["file"]).name for r in records] == expected
    for record in records:
        _, phrase = files[Path(record["file"]).name]
        if phrase is None:
            assert record["status"] == "ok" and "disease_state" in record["assessment"]
        else:
            assert record["status"] == "error"
            assert phrase in record["error"]["message"] + json.dumps(record["error"]["problems"])
            assert SENTINEL not in json.dumps(record["error"])
    duplicate = next(r for r in records if r["file"].endswith("b-same-id.json"))
    assert duplicate["error"]["message"].endswith("already used by " + str(files["a-good.json"][0]))
    assert "4 of 6 case file(s) not assessed" in err and SENTINEL not in err


def test_many_problems_are_capped_with_a_count(
    hostile: dict[str, tuple[Path, int, str]], capsys: pytest.CaptureFixture[str]
) -> None:
    """1,500 unknown answer keys: the first N problems, then '… and 1,480 more'."""
    path, _, _ = hostile["some_answer_keys.json"]
    assert main(["assess", str(path), "--json"]) == 2
    _, err = capsys.readouterr()
    assert err.count("answers.<key ") == MAX_RENDERED_PROBLEMS
    assert f"… and {1_500 - MAX_RENDERED_PROBLEMS:,} more problem(s)" in err


def _run_cli(args: list[str], stdin: int | None = None) -> subprocess.CompletedProcess[str]:
    """The CLI in a subprocess: a reader that blocked or read forever would hit the timeout, not hang."""
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from oligoboard.cli.main import main; sys.exit(main(sys.argv[1:]))",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=stdin if stdin is not None else subprocess.DEVNULL,
        check=False,
    )


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero on this system")
def test_dev_zero_is_refused_before_it_is_read() -> None:
    result = _run_cli(["assess", "/dev/zero", "--json"])
    assert result.returncode == 2
    assert "not a regular file" in result.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "case.json"
    os.mkfifo(fifo)
    result = _run_cli(["validate", str(fifo)])
    assert result.returncode == 2
    assert "not a regular file" in result.stderr


def test_stdin_is_read_with_the_same_limits(tmp_path: Path) -> None:
    """`-` reads stdin, capped at max_bytes like a file (here a 4 MiB + 1 byte stream)."""
    big = tmp_path / "big.json"
    big.write_bytes(b" " * (4 * 1024 * 1024 + 1))
    with big.open("rb") as handle:
        result = _run_cli(["validate", "-"], stdin=handle.fileno())
    assert result.returncode == 2
    assert "max_bytes" in result.stderr
