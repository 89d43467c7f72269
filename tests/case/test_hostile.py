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
from tests.case.make_hostile import SENTINEL, corpus, write_corpus

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
