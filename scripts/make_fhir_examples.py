"""Write examples/fhir/*.bundle.json: synthetic mCODE Bundles made from hand-written demo cases.

Each Bundle is `interop.fhir.case_to_bundle.case_to_bundle` of one case in examples/cases/ (synthetic, from
examples/generate_demo_cases.py), so `oligoboard import-fhir` on it gives back a case whose assessment
equals the hand-written case's (tests/interop/test_fhir_examples.py). `--check` only compares.

    .venv/bin/python scripts/make_fhir_examples.py [--check]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from oligoboard.case.io import load_case
from oligoboard.interop.fhir.case_to_bundle import case_to_bundle

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "examples" / "cases"
OUT = ROOT / "examples" / "fhir"
#: synchronous OMD on induction with planned SBRT; metachronous oligoprogression after surgery; EGFR-positive
SOURCES = (
    "demo-02-sync-two-bone-on-induction",
    "demo-05-metachronous-oligoprogression",
    "demo-10-egfr-positive-unknown-history",
)


def bundle_text(name: str) -> str:
    return json.dumps(case_to_bundle(load_case(CASES / f"{name}.json")), indent=1, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = []
    OUT.mkdir(exist_ok=True)
    for name in SOURCES:
        target = OUT / f"{name}.bundle.json"
        text = bundle_text(name)
        if check:
            if not target.is_file() or target.read_text(encoding="utf-8") != text:
                stale.append(target.name)
        else:
            target.write_text(text, encoding="utf-8")
            print(f"wrote {target.relative_to(ROOT)}")
    if stale:
        print("stale: " + ", ".join(stale) + " (run scripts/make_fhir_examples.py)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
