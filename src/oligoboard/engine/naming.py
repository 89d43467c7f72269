"""Names of the statement's generated columns: readable, unique, and safe as bare SQL identifiers.

Output columns are named after what they hold (`crit__nct06114108__consent`, `status__dlcg_2025_1`,
`def__omd`, `dec__tnm9_m`), so results are read by name, never by position. Knowledge ids may contain `-` or
`.` and DuckDB folds case, so ids are lower-cased and every other character becomes `_`; the statement builder
adds a numeric suffix should two ids fold to the same name. Private working columns start with `_`, which no
knowledge id or feature may (ids start with a letter), so they can never shadow a name a rule uses.
"""

from __future__ import annotations

import re

_UNSAFE = re.compile(r"[^a-z0-9_]")


def sanitise(name: str) -> str:
    """`NCT06114108/inc-1.a` → `nct06114108_inc_1_a`."""
    return _UNSAFE.sub("_", name.lower())


def answer_column(key: str) -> str:
    """The private column holding the answer to attested criterion `key` ("<rule set>/<criterion>")."""
    return "_answer__" + sanitise(key)


def step_column(decision_id: str) -> str:
    """The private layer column recording which rule of a decision list decided."""
    return "_step__" + sanitise(decision_id)
