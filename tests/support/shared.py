"""The shared sources beside the repo (`../shared`: seeds, vignettes, RT example data), when present.

A fresh clone has no `../shared`: every test that needs it is skipped with a reason naming the path,
never failed and never silently passed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
SEEDS = SHARED / "seeds"
VIGNETTES = SHARED / "vignettes"


def needs(path: Path) -> pytest.MarkDecorator:
    """Skip unless `path` exists (it lives in ../shared, which a fresh clone does not have)."""
    return pytest.mark.skipif(
        not path.exists(), reason=f"needs {path} (../shared beside the repo), not present"
    )
