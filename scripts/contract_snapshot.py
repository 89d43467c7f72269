"""Write `assess --json` of every demo case and public vignette to a folder, to diff two revisions.

Why: refactors of the section builders (issue 10, typed section models) must leave the contract
byte-identical. Run it on the base and on the branch, then `diff -r BEFORE AFTER`:

    .venv/bin/python scripts/contract_snapshot.py /tmp/before   # on main
    .venv/bin/python scripts/contract_snapshot.py /tmp/after    # on the branch
    diff -r /tmp/before /tmp/after && echo identical

The text is what `oligoboard assess --json` prints (`cli._output.print_json`), in one process for speed;
a case that is refused records the error class and message (which name no patient values).
"""

from __future__ import annotations

import contextlib
import io
import sys
from pathlib import Path

from oligoboard.assessment import assess
from oligoboard.cli._output import print_json
from oligoboard.cli.batch import load_checked
from oligoboard.engine.runner import Engine
from oligoboard.errors import OligoboardError

ROOT = Path(__file__).resolve().parents[1]


def main(out_dir: Path) -> int:
    out_dir.mkdir(parents=True, exist_ok=True)
    engine = Engine()
    paths = sorted((ROOT / "examples" / "cases").glob("*.json"))
    paths += sorted((ROOT.parent / "shared" / "vignettes").glob("*/case.json"))
    for path in paths:
        buf = io.StringIO()
        try:
            case = load_checked(path, engine.kb.answer_keys)
            with contextlib.redirect_stdout(buf):
                print_json(assess(case, engine))
        except OligoboardError as exc:
            buf.write(f"ERROR {type(exc).__name__}: {exc}\n")
        name = path.stem if path.parent.name == "cases" else path.parent.name
        (out_dir / f"{name}.json").write_text(buf.getvalue(), encoding="utf-8")
    print(f"{len(paths)} outputs in {out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
