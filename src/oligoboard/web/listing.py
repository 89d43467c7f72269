"""The one list envelope of the JSON API: `{items, total, limit, offset}` (docs/web.md "API").

Why one helper: every list route answers the same shape, paginated or not, so a client reads them alike;
a short list that is never paginated (a patient's visits, a trial's overdue list) is one whole page.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def listing(
    items: Sequence[Any], *, total: int | None = None, limit: int | None = None, offset: int = 0
) -> dict[str, Any]:
    """The envelope for one page of `items` (defaults: the whole list as one page)."""
    return {
        "items": list(items),
        "total": len(items) if total is None else total,
        "limit": len(items) if limit is None else limit,
        "offset": offset,
    }
