"""Runtime helpers called by the generated single-case executor, with DuckDB 2.0.0's semantics.

Why a separate module: the generated Python module (see `pyexec`) is plain straight-line code that calls
these helpers, and it must run without sqlglot (importing sqlglot alone costs ~290 ms of the CLI's 300 ms
budget). So this module imports only the standard library and `oligoboard.errors`.

Every helper takes already-evaluated SQL values (None is SQL NULL) and answers exactly what DuckDB 2.0.0
answers — the oracle table in `tests/engine/test_expression_oracle.py` checks each against DuckDB:

* Kleene AND/OR/NOT; comparisons propagate NULL and coerce mixed types as DuckDB's binder does (a VARCHAR
  compared with a DATE is cast to DATE, with a number to that number's type, INTEGER vs DOUBLE numerically).
* Casts: BOOLEAN→VARCHAR is 'true'/'false'; VARCHAR→BOOLEAN accepts true/t/yes/y/1 and false/f/no/n/0 in any
  case, nothing else; DOUBLE→INTEGER rounds half to even (DuckDB uses `nearbyint`), VARCHAR→INTEGER rounds
  half away from zero (it parses a decimal); DOUBLE→VARCHAR is the shortest round-trip text (Python `repr`).
* `/` divides as doubles with IEEE results (x/0 = ±inf, 0/0 = NaN — DuckDB 2.0 no longer returns NULL).
* DATE ± INTERVAL gives a TIMESTAMP (as DuckDB does), months clamped to the month's end.
* Aggregates ignore NULLs; over empty or all-NULL input count is 0 and every other aggregate is NULL
  (count_if included: DuckDB implements it as a sum).

A value DuckDB would refuse at run time (a string that is not a date, an integer out of range) raises
`SqlRuntimeError`, an `EngineError` like DuckDB's own errors in the batch path. Messages name the types,
never the value, so no patient data reaches a log.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from oligoboard.errors import EngineError


class Unsupported(EngineError):
    """The SQL uses a node type or argument the Python executor does not implement (raised at build time)."""


class SqlRuntimeError(EngineError):
    """A value DuckDB would refuse while executing (a failed conversion, an integer out of range)."""


_INT_RANGES = {"INTEGER": (-(2**31), 2**31 - 1), "BIGINT": (-(2**63), 2**63 - 1)}
_TRUE = frozenset({"true", "t", "yes", "y", "1"})
_FALSE = frozenset({"false", "f", "no", "n", "0"})
_DATE_RE = re.compile(r"\s*(\d+)([-/])(\d{1,2})\2(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d*)?)?)?\s*")


def sql_type(value: Any) -> str:
    """The DuckDB type name of a Python value, for error messages (never the value itself)."""
    if value is None:
        return "NULL"
    return {
        bool: "BOOLEAN",
        int: "INTEGER",
        float: "DOUBLE",
        str: "VARCHAR",
        date: "DATE",
        datetime: "TIMESTAMP",
    }.get(type(value), type(value).__name__)


def _refuse(value: Any, target: str) -> SqlRuntimeError:
    return SqlRuntimeError(f"Conversion Error: could not convert a {sql_type(value)} value to {target}")


# ---- three-valued logic ---------------------------------------------------------------------------


def and_(*values: Any) -> bool | None:
    """Kleene AND: FALSE wins, then NULL, else TRUE."""
    result: bool | None = True
    for v in values:
        if v is False:
            return False
        if v is None:
            result = None
    return result


def or_(*values: Any) -> bool | None:
    """Kleene OR: TRUE wins, then NULL, else FALSE."""
    result: bool | None = False
    for v in values:
        if v is True:
            return True
        if v is None:
            result = None
    return result


def not_(value: Any) -> bool | None:
    return None if value is None else not value


# ---- comparisons with DuckDB's implicit casts --------------------------------------------------------

_NUMERIC = (bool, int, float)


def _coerce(a: Any, b: Any) -> tuple[Any, Any]:
    """Bring two non-NULL values of different types to one type, as DuckDB's binder would."""
    ta, tb = type(a), type(b)
    if ta in _NUMERIC and tb in _NUMERIC:
        return a, b
    if ta is str:
        return _cast_like(a, b), b
    if tb is str:
        return a, _cast_like(b, a)
    if ta is date and tb is datetime:
        return datetime(a.year, a.month, a.day), b
    if ta is datetime and tb is date:
        return a, datetime(b.year, b.month, b.day)
    raise SqlRuntimeError(f"Binder Error: cannot compare a {sql_type(a)} with a {sql_type(b)}")


def _cast_like(text: str, other: Any) -> Any:
    kind = type(other)
    if kind is date:
        return cast_date(text)
    if kind is datetime:
        return cast_timestamp(text)
    if kind is bool:
        return cast_boolean(text)
    if kind is int:
        return cast_bigint(text)
    if kind is float:
        return cast_double(text)
    raise SqlRuntimeError(f"Binder Error: cannot compare a VARCHAR with a {sql_type(other)}")


def eq(a: Any, b: Any) -> bool | None:
    if a is None or b is None:
        return None
    if type(a) is not type(b):
        a, b = _coerce(a, b)
    return bool(a == b)


def ne(a: Any, b: Any) -> bool | None:
    if a is None or b is None:
        return None
    if type(a) is not type(b):
        a, b = _coerce(a, b)
    return bool(a != b)


def lt(a: Any, b: Any) -> bool | None:
    if a is None or b is None:
        return None
    if type(a) is not type(b):
        a, b = _coerce(a, b)
    return bool(a < b)


def le(a: Any, b: Any) -> bool | None:
    if a is None or b is None:
        return None
    if type(a) is not type(b):
        a, b = _coerce(a, b)
    return bool(a <= b)


def gt(a: Any, b: Any) -> bool | None:
    if a is None or b is None:
        return None
    if type(a) is not type(b):
        a, b = _coerce(a, b)
    return bool(a > b)


def ge(a: Any, b: Any) -> bool | None:
    if a is None or b is None:
        return None
    if type(a) is not type(b):
        a, b = _coerce(a, b)
    return bool(a >= b)


def between(value: Any, low: Any, high: Any) -> bool | None:
    return and_(ge(value, low), le(value, high))


def distinct_from(a: Any, b: Any) -> bool:
    """`a IS DISTINCT FROM b`: NULL-safe, never NULL."""
    if a is None or b is None:
        return (a is None) is not (b is None)
    return eq(a, b) is False


def in_(value: Any, options: Sequence[Any]) -> bool | None:
    """`value IN (options)`: TRUE on a match, else NULL if anything was NULL, else FALSE."""
    if value is None:
        return None
    unknown = False
    for option in options:
        hit = eq(value, option)
        if hit:
            return True
        if hit is None:
            unknown = True
    return None if unknown else False


def is_true(value: Any) -> bool:
    return value is True


# ---- scalar functions ---------------------------------------------------------------------------------


def coalesce(*values: Any) -> Any:
    for v in values:
        if v is not None:
            return v
    return None


def nullif(a: Any, b: Any) -> Any:
    return None if eq(a, b) else a


def greatest(*values: Any) -> Any:
    """DuckDB's greatest/least skip NULLs (NULL only when every argument is NULL)."""
    present = [v for v in values if v is not None]
    return max(present) if present else None


def least(*values: Any) -> Any:
    present = [v for v in values if v is not None]
    return min(present) if present else None


def floor(value: Any) -> float | None:
    """floor() of an INTEGER or DOUBLE is a DOUBLE in DuckDB (floor(5) = 5.0)."""
    if value is None:
        return None
    v = float(value)
    if v == 0.0 or math.isinf(v) or math.isnan(v):
        return v  # C floor keeps -0.0, inf and NaN as they are
    return float(math.floor(v))


def neg(value: Any) -> Any:
    return None if value is None else -value


def add(a: Any, b: Any) -> Any:
    """`a + b` for numbers, and DATE + INTEGER days."""
    if a is None or b is None:
        return None
    if isinstance(a, date) and type(b) is int:
        return a + timedelta(days=b)
    if isinstance(b, date) and type(a) is int:
        return b + timedelta(days=a)
    return a + b


def sub(a: Any, b: Any) -> Any:
    """`a - b` for numbers, DATE - INTEGER days, and DATE - DATE (days, BIGINT)."""
    if a is None or b is None:
        return None
    if type(a) is date and type(b) is date:
        return (a - b).days
    if isinstance(a, date) and type(b) is int:
        return a - timedelta(days=b)
    return a - b


def mul(a: Any, b: Any) -> Any:
    if a is None or b is None:
        return None
    return a * b


def div(a: Any, b: Any) -> float | None:
    """DuckDB 2.0 `/` is double division with IEEE results: 1/0 = inf, -1/0 = -inf, 0/0 = NaN."""
    if a is None or b is None:
        return None
    x, y = float(a), float(b)
    if y == 0.0:
        if x == 0.0 or math.isnan(x):
            return math.nan
        return math.copysign(math.inf, x) * math.copysign(1.0, y)
    return x / y


def _ordinal(value: Any) -> int:
    if not isinstance(value, date):
        raise SqlRuntimeError(f"Binder Error: date_diff of a {sql_type(value)}")
    return value.toordinal()


def date_diff_day(start: Any, end: Any) -> int | None:
    """`date_diff('day', start, end)`: day boundaries crossed (times of day ignored)."""
    if start is None or end is None:
        return None
    return _ordinal(end) - _ordinal(start)


def _days_in_month(year: int, month: int) -> int:
    if month == 12:
        return 31
    return (date(year, month + 1, 1) - date(year, month, 1)).days


def shift(value: Any, months: int, days: int) -> datetime | None:
    """DATE/TIMESTAMP + INTERVAL: months first (clamped to the month's end), then days; a TIMESTAMP."""
    if value is None:
        return None
    if type(value) is date:
        value = datetime(value.year, value.month, value.day)
    if not isinstance(value, datetime):
        raise SqlRuntimeError(f"Binder Error: cannot add an INTERVAL to a {sql_type(value)}")
    if months:
        year, month0 = divmod(value.year * 12 + value.month - 1 + months, 12)
        day = min(value.day, _days_in_month(year, month0 + 1))
        value = value.replace(year=year, month=month0 + 1, day=day)
    shifted: datetime = value + timedelta(days=days) if days else value
    return shifted


def _whole_months(start: datetime, end: datetime) -> int:
    """Complete calendar months from `start` to `end` (start <= end): the largest m with start + m months <= end."""
    months = (end.year - start.year) * 12 + end.month - start.month
    shifted = shift(start, months, 0)
    assert shifted is not None
    return months - 1 if shifted > end else months


def _midnight(value: Any) -> datetime:
    """A DATE, or a TIMESTAMP at midnight (DATE + INTERVAL), as a datetime; times of day are not implemented."""
    if type(value) is date:
        return datetime(value.year, value.month, value.day)
    if isinstance(value, datetime) and value.time() == datetime.min.time() and value.tzinfo is None:
        return value
    raise SqlRuntimeError(f"Not implemented Error: date_sub of a {sql_type(value)} with a time of day")


def date_sub(part: str, start: Any, end: Any) -> int | None:
    """`date_sub('month' | 'year', start, end)` on DATEs: complete calendar months (years) from start to end.

    The project's one month convention (docs/knowledge-format.md): `date_sub('month', a, b) >= n` exactly when
    `b >= a + INTERVAL n MONTH` (months clamped to the month's end, so 31 Jan + 1 month is 28/29 Feb); a
    negative span counts backwards; years are months // 12 truncated toward zero, as DuckDB does.

    Example:
        >>> date_sub("month", date(2026, 1, 31), date(2026, 2, 28)), date_sub("year", date(2008, 10, 1), date(2026, 10, 1))
        (1, 18)
    """
    if start is None or end is None:
        return None
    a, b = _midnight(start), _midnight(end)
    months = _whole_months(a, b) if a <= b else -_whole_months(b, a)
    if part == "year":
        return -((-months) // 12) if months < 0 else months // 12
    return months


# ---- casts --------------------------------------------------------------------------------------------


def _in_range(value: int, target: str) -> int:
    low, high = _INT_RANGES[target]
    if not low <= value <= high:
        raise SqlRuntimeError(f"Conversion Error: value out of range for {target}")
    return value


def _to_int(value: Any, target: str) -> int | None:
    if value is None:
        return None
    kind = type(value)
    if kind is bool or kind is int:
        return _in_range(int(value), target)
    if kind is float:
        if math.isnan(value) or math.isinf(value):
            raise SqlRuntimeError(f"Conversion Error: value out of range for {target}")
        return _in_range(round(value), target)  # round() is half-to-even, like DuckDB's nearbyint
    if kind is str:
        text = value.strip()
        if "_" in text or not text:
            raise _refuse(value, target)
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise _refuse(value, target) from None
        if not number.is_finite():
            raise _refuse(value, target)
        return _in_range(int(number.quantize(Decimal(1), rounding=ROUND_HALF_UP)), target)
    raise _refuse(value, target)


def cast_integer(value: Any) -> int | None:
    return _to_int(value, "INTEGER")


def cast_bigint(value: Any) -> int | None:
    return _to_int(value, "BIGINT")


def cast_double(value: Any) -> float | None:
    if value is None:
        return None
    kind = type(value)
    if kind is bool or kind is int or kind is float:
        return float(value)
    if kind is str:
        if "_" in value:
            raise _refuse(value, "DOUBLE")
        try:
            return float(value)
        except ValueError:
            raise _refuse(value, "DOUBLE") from None
    raise _refuse(value, "DOUBLE")


def cast_varchar(value: Any) -> str | None:
    if value is None:
        return None
    kind = type(value)
    if kind is bool:
        return "true" if value else "false"
    if kind is float:
        return repr(value)  # shortest round-trip, as DuckDB prints doubles ('1.0', '1e+20', 'nan')
    if kind is date:
        return str(value.isoformat())
    return str(value)


def cast_boolean(value: Any) -> bool | None:
    if value is None:
        return None
    kind = type(value)
    if kind is bool:
        return bool(value)
    if kind is int or kind is float:
        return bool(value != 0)
    if kind is str:
        text = value.lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    raise _refuse(value, "BOOLEAN")


def cast_date(value: Any) -> date | None:
    if value is None:
        return None
    kind = type(value)
    if kind is date:
        return value  # type: ignore[no-any-return]
    if kind is datetime:
        return value.date()  # type: ignore[no-any-return]
    if kind is str:
        match = _DATE_RE.fullmatch(value)
        if match is None:
            raise _refuse(value, "DATE")
        try:
            return date(int(match[1]), int(match[3]), int(match[4]))
        except ValueError:
            raise _refuse(value, "DATE") from None
    raise _refuse(value, "DATE")


def cast_timestamp(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value
    if type(value) is str:
        try:
            return datetime.fromisoformat(value.strip())
        except ValueError:
            raise _refuse(value, "TIMESTAMP") from None
    d = cast_date(value)
    return None if d is None else datetime(d.year, d.month, d.day)


# ---- aggregates (each takes the group's values, NULLs included) -----------------------------------------


def count(values: Iterable[Any]) -> int:
    return sum(1 for v in values if v is not None)


def count_distinct(values: Iterable[Any]) -> int:
    return len({v for v in values if v is not None})


def count_if(values: Iterable[Any]) -> int | None:
    """DuckDB's count_if is a sum of booleans: NULL over empty or all-NULL input, not 0."""
    seen = False
    n = 0
    for v in values:
        if v is not None:
            seen = True
            if v:
                n += 1
    return n if seen else None


def sum_(values: Iterable[Any]) -> Any:
    present = [v for v in values if v is not None]
    if not present:
        return None
    total = present[0]
    for v in present[1:]:
        total = total + v
    return total


def min_(values: Iterable[Any]) -> Any:
    present = [v for v in values if v is not None]
    return min(present) if present else None


def max_(values: Iterable[Any]) -> Any:
    present = [v for v in values if v is not None]
    return max(present) if present else None


def bool_or(values: Iterable[Any]) -> bool | None:
    present = [v for v in values if v is not None]
    return any(present) if present else None


def bool_and(values: Iterable[Any]) -> bool | None:
    present = [v for v in values if v is not None]
    return all(present) if present else None


def arg_min(pairs: Iterable[tuple[Any, Any]]) -> Any:
    """arg_min(value, key): the value at the smallest key; rows with a NULL value or key are skipped."""
    best: tuple[Any, Any] | None = None
    for value, key in pairs:
        if value is None or key is None:
            continue
        if best is None or key < best[1]:
            best = (value, key)
    return None if best is None else best[0]


def arg_max(pairs: Iterable[tuple[Any, Any]]) -> Any:
    best: tuple[Any, Any] | None = None
    for value, key in pairs:
        if value is None or key is None:
            continue
        if best is None or key > best[1]:
            best = (value, key)
    return None if best is None else best[0]


# ---- result shaping -----------------------------------------------------------------------------------


def _sortable(value: Any) -> Any:
    # NaN sorts above every other double in DuckDB; Python cannot order it at all
    if type(value) is float and math.isnan(value):
        return (1, 0.0)
    return (0, value)


def order_rows(rows: list[dict[str, Any]], keys: Sequence[tuple[str, bool, bool]]) -> list[dict[str, Any]]:
    """ORDER BY output columns: `keys` = (column, descending, nulls_first), like DuckDB (NULLS LAST default)."""
    out = list(rows)
    for column, descending, nulls_first in reversed(keys):  # stable sorts, least significant key first
        present = [r for r in out if r[column] is not None]
        missing = [r for r in out if r[column] is None]
        present.sort(key=lambda r: _sortable(r[column]), reverse=descending)
        out = missing + present if nulls_first else present + missing
    return out


def _distinct_key(value: Any) -> Any:
    if type(value) is float and math.isnan(value):
        return ("nan",)
    return (type(value) is bool, value)


def distinct_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """SELECT DISTINCT: first occurrence of each row kept (NULLs equal, NaNs equal, as in DuckDB)."""
    seen: set[tuple[Any, ...]] = set()
    out: list[dict[str, Any]] = []
    for row in rows:
        key = tuple(_distinct_key(v) for v in row.values())
        if key not in seen:
            seen.add(key)
            out.append(row)
    return out


#: Names the generated module may call; `pyload` binds exactly these as the module's globals.
HELPERS: dict[str, Any] = {
    name: value
    for name, value in dict(globals()).items()
    if callable(value)
    and not name.startswith("_")
    and getattr(value, "__module__", None) == __name__
    and name not in ("Unsupported", "SqlRuntimeError", "sql_type")
}
