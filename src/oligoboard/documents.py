"""The one strict reader for every JSON and YAML document oligoboard accepts: cases and knowledge alike.

Why one reader: input is untrusted, and a case and a knowledge file can both be hostile or simply wrong.
Every limit lives in `InputLimits` (one frozen dataclass, documented defaults, `OLIGOBOARD_MAX_INPUT_BYTES`
to raise the file-size cap); every breach is a `DocumentError` (an `InputError`, exit 2) that names the
file, the line where known, the field path and the limit, never the document's text.

What it guards against (docs/knowledge-format.md, "The reader"):
- files that never end or are not files (`/dev/zero`, a FIFO): only regular files or `-` (stdin) are read,
  checked with `fstat` on a non-blocking descriptor, and at most `max_bytes + 1` bytes are ever read;
- YAML alias bombs: aliases are never expanded; the reader counts the values an expansion would produce
  and refuses past `max_nodes`, in time proportional to the file, not to the expansion;
- deep nesting (a RecursionError is a crash, not an answer): depth is counted on the YAML event stream and
  on the parsed JSON, and JSON's own recursion guard is turned into the named limit;
- duplicate keys (the last value silently winning could hide a wrong fact or a second `sql:`);
- huge strings, lists, mappings and integers (Python's own int-string limit message is never shown).

YAML is read through libyaml's C event parser when present (the parser is iterative, so no C stack is at
risk) and composed here, iteratively, into plain Python values with the safe YAML 1.1 types.
"""

from __future__ import annotations

import json
import os
import re
import stat
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, BinaryIO, Literal

from oligoboard.errors import InputError, Problem, safe_key

MAX_BYTES_ENV = "OLIGOBOARD_MAX_INPUT_BYTES"
STDIN = "-"
Loc = tuple[int | str, ...]


@dataclass(frozen=True)
class InputLimits:
    """Every bound the reader enforces, in one place. The defaults fit the largest real case or knowledge
    file many times over and stop every hostile document we know of in well under a second.

    Attributes:
        max_bytes: largest file read (4 MiB); `OLIGOBOARD_MAX_INPUT_BYTES` overrides it (`from_env`).
        max_depth: deepest nesting of lists and mappings (a case needs 4, a knowledge file 6).
        max_string_chars: longest string, key or value (64 Ki characters).
        max_list_items: most items in one list (10,000 lesions, criteria, …).
        max_mapping_keys: most keys in one mapping (2,000: also bounds a case's `answers`).
        max_nodes: most values in the whole document after YAML alias expansion (200,000).
        max_int_digits: longest integer literal (64 digits; dates and doses need far fewer).
    """

    max_bytes: int = 4 * 1024 * 1024
    max_depth: int = 64
    max_string_chars: int = 65_536
    max_list_items: int = 10_000
    max_mapping_keys: int = 2_000
    max_nodes: int = 200_000
    max_int_digits: int = 64

    @classmethod
    def from_env(cls) -> InputLimits:
        """The defaults, with `max_bytes` from `OLIGOBOARD_MAX_INPUT_BYTES` when it is set."""
        raw = os.environ.get(MAX_BYTES_ENV)
        if raw is None or not raw.strip():
            return cls()
        try:
            value = int(raw)
        except ValueError:
            value = 0
        if value <= 0:
            raise InputError(
                f"{MAX_BYTES_ENV} must be a positive number of bytes",
                [Problem(MAX_BYTES_ENV, "not a positive integer", expected="bytes, e.g. 8388608")],
            )
        return replace(cls(), max_bytes=value)


class DocumentError(InputError):
    """A document is unreadable, malformed or past a limit; `limit` names the `InputLimits` field breached."""

    def __init__(self, message: str, problems: list[Problem] | None = None, limit: str | None = None):
        super().__init__(message, problems or [])
        self.limit = limit


@dataclass(frozen=True)
class Document:
    """A parsed document, its origin and the line of every value (1-based), for errors that say file:line."""

    value: Any
    name: str
    lines: dict[Loc, int] = field(default_factory=dict, repr=False)

    def line_of(self, loc: Loc) -> int | None:
        """The line of the deepest value along `loc` that the reader saw (None for JSON)."""
        for end in range(len(loc), -1, -1):
            line = self.lines.get(tuple(loc[:end]))
            if line is not None:
                return line
        return None


def read_document(
    path: Path | str, limits: InputLimits | None = None, kind: Literal["json", "yaml"] | None = None
) -> Document:
    """Read and parse one JSON or YAML document within `limits` (`-` reads stdin).

    `kind` defaults to the suffix (`.yaml`/`.yml` → YAML, anything else → JSON; stdin → YAML, which
    accepts JSON too).
    """
    limits = limits or InputLimits.from_env()
    name = str(path)
    data = read_bytes(path, limits)
    text = decode(data, name)
    if kind is None:
        is_yaml = name == STDIN or Path(name).suffix.lower() in (".yaml", ".yml")
        kind = "yaml" if is_yaml else "json"
    return parse_yaml(text, name, limits) if kind == "yaml" else parse_json(text, name, limits)


def read_bytes(path: Path | str, limits: InputLimits) -> bytes:
    """At most `max_bytes` of a regular file (or stdin); anything else is refused before it is read."""
    name = str(path)
    if name == STDIN:
        return _read_capped(sys.stdin.buffer, name, limits)
    try:
        fd = os.open(name, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        raise DocumentError(f"{name}: no such file", [Problem(name, "no such file")]) from None
    except OSError as exc:
        raise DocumentError(
            f"{name}: cannot open", [Problem(name, f"cannot open ({type(exc).__name__})")]
        ) from None
    with os.fdopen(fd, "rb") as handle:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise DocumentError(
                f"{name}: not a regular file",
                [Problem(name, "not a regular file", expected="a regular file or '-' for stdin")],
                limit="regular_file",
            )
        return _read_capped(handle, name, limits)


def _read_capped(handle: BinaryIO, name: str, limits: InputLimits) -> bytes:
    try:
        data = handle.read(limits.max_bytes + 1)
    except OSError as exc:
        raise DocumentError(
            f"{name}: cannot read", [Problem(name, f"cannot read ({type(exc).__name__})")]
        ) from None
    if len(data) > limits.max_bytes:
        raise _limit(name, "", "max_bytes", limits.max_bytes, f"file larger than {limits.max_bytes} bytes")
    return data


def decode(data: bytes, name: str) -> str:
    """UTF-8 text, a leading byte-order mark dropped (JSON as YAML); never echoes the bytes."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DocumentError(
            f"{name}: not UTF-8 text",
            [Problem(name, f"invalid UTF-8 at byte {exc.start}", expected="UTF-8 text")],
        ) from None
    return text[1:] if text.startswith("\ufeff") else text


def _limit(name: str, path: str, limit: str, value: int, what: str, line: int | None = None) -> DocumentError:
    at = f" at line {line}" if line is not None else ""
    return DocumentError(
        f"{name}{at}: {what} (limit {limit}={value})",
        [Problem(path, f"{what}{at}", expected=f"{limit} ≤ {value}")],
        limit=limit,
    )


def _path(loc: Loc) -> str:
    """A field path for messages; keys that are not field-name-shaped are masked (`errors.safe_key`)."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else ("." if out else "") + safe_key(part)
    return out


_SURROGATE = re.compile("[\ud800-\udfff]")


def _has_surrogate(text: str) -> bool:
    """A lone surrogate (JSON `"\\ud800"`) is not Unicode: it cannot be written out, hashed or shown."""
    return _SURROGATE.search(text) is not None


def _surrogate(name: str, path: str, line: int | None = None) -> DocumentError:
    at = f" at line {line}" if line is not None else ""
    return DocumentError(
        f"{name}: not valid Unicode text",
        [Problem(path, f"text with a lone surrogate{at}", expected="valid Unicode text")],
    )


# ------------------------------------------------------------------------------------------------ JSON


def parse_json(text: str, name: str, limits: InputLimits) -> Document:
    """Strict JSON: no duplicate keys, no NaN/Infinity, bounded integers, then the shape limits."""

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        if len(items) > limits.max_mapping_keys:
            raise _limit(name, "", "max_mapping_keys", limits.max_mapping_keys, "mapping with too many keys")
        out: dict[str, Any] = {}
        for key, value in items:
            if key in out:
                raise DocumentError(
                    f"{name}: duplicate key",
                    [Problem(_path((key,)), "duplicate key: which value is meant cannot be told")],
                )
            out[key] = value
        return out

    def integer(literal: str) -> int:
        if len(literal.lstrip("-")) > limits.max_int_digits:
            raise _limit(name, "", "max_int_digits", limits.max_int_digits, "integer with too many digits")
        return int(literal)

    def constant(literal: str) -> float:
        raise DocumentError(
            f"{name}: not valid JSON",
            [Problem("", f"{literal} is not a JSON number", expected="a finite number")],
        )

    text = text[1:] if text.startswith("\ufeff") else text
    try:
        value = json.loads(text, object_pairs_hook=pairs, parse_int=integer, parse_constant=constant)
    except json.JSONDecodeError as exc:
        raise DocumentError(
            f"{name}: not valid JSON", [Problem("", f"{exc.msg} at line {exc.lineno} column {exc.colno}")]
        ) from None
    except RecursionError:
        raise _limit(name, "", "max_depth", limits.max_depth, "nesting too deep") from None
    _check_tree(value, name, limits)
    return Document(value=value, name=name)


def _check_tree(root: Any, name: str, limits: InputLimits) -> None:
    """Depth, size and string limits over a parsed value, iteratively (no recursion to exhaust)."""
    nodes = 0
    stack: list[tuple[Any, Loc]] = [(root, ())]
    while stack:
        value, loc = stack.pop()
        nodes += 1
        if nodes > limits.max_nodes:
            raise _limit(name, "", "max_nodes", limits.max_nodes, "too many values")
        if isinstance(value, str):
            if len(value) > limits.max_string_chars:
                raise _limit(name, _path(loc), "max_string_chars", limits.max_string_chars, "string too long")
            if _has_surrogate(value):
                raise _surrogate(name, _path(loc))
            continue
        if not isinstance(value, dict | list):
            continue
        if len(loc) >= limits.max_depth:
            raise _limit(name, "", "max_depth", limits.max_depth, "nesting too deep")
        if isinstance(value, list):
            if len(value) > limits.max_list_items:
                raise _limit(name, _path(loc), "max_list_items", limits.max_list_items, "list too long")
            stack.extend((item, (*loc, i)) for i, item in enumerate(value))
        else:
            for key, item in value.items():
                if isinstance(key, str) and len(key) > limits.max_string_chars:
                    raise _limit(
                        name, _path(loc), "max_string_chars", limits.max_string_chars, "key too long"
                    )
                if isinstance(key, str) and _has_surrogate(key):
                    raise _surrogate(name, _path(loc))
                stack.append((item, (*loc, key)))


# ------------------------------------------------------------------------------------------------ YAML


def parse_yaml(text: str, name: str, limits: InputLimits) -> Document:
    """Strict safe YAML (one document, YAML 1.1 safe types), composed iteratively within `limits`."""
    import yaml

    return _YamlComposer(text, name, limits, yaml).compose()


@dataclass
class _Frame:
    """A list or mapping under construction."""

    value: list[Any] | dict[Any, Any]
    loc: Loc
    line: int
    anchor: str | None
    size: int = 1  # values in this subtree after alias expansion, itself included
    key: Any = None
    key_pending: bool = True  # mappings: the next scalar/collection is a key
    key_line: int = 0
    merges: list[dict[Any, Any]] = field(default_factory=list)
    explicit: set[Any] = field(default_factory=set)


_MERGE_TAG = "tag:yaml.org,2002:merge"
_INT_TAG = "tag:yaml.org,2002:int"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_MAP_TAG = "tag:yaml.org,2002:map"


class _YamlComposer:
    def __init__(self, text: str, name: str, limits: InputLimits, yaml: Any) -> None:
        self.text, self.name, self.limits, self.yaml = text, name, limits, yaml
        self.loader_class = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        self.constructor = yaml.constructor.SafeConstructor()
        self.resolver = yaml.resolver.Resolver()
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.lines: dict[Loc, int] = {}
        self.nodes = 0

    def _events(self) -> Iterator[Any]:
        loader = self.loader_class(self.text)
        try:
            while loader.check_event():
                yield loader.get_event()
        finally:
            loader.dispose()

    def _syntax(self, exc: Exception) -> DocumentError:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        where = f"line {mark.line + 1} column {mark.column + 1}" if mark is not None else "unknown position"
        return DocumentError(f"{self.name}: not valid YAML", [Problem("", f"syntax error at {where}")])

    def compose(self) -> Document:
        try:
            value = self._compose()
        except self.yaml.YAMLError as exc:
            raise self._syntax(exc) from None
        return Document(value=value, name=self.name, lines=self.lines)

    def _compose(self) -> Any:
        y = self.yaml
        stack: list[_Frame] = []
        result: Any = None
        documents = 0
        for event in self._events():
            line = event.start_mark.line + 1
            if isinstance(event, y.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise DocumentError(
                        f"{self.name}: more than one YAML document",
                        [Problem("", f"a second document starts at line {line}", expected="one document")],
                    )
                continue
            if isinstance(event, y.StreamStartEvent | y.StreamEndEvent | y.DocumentEndEvent):
                continue
            if isinstance(event, y.SequenceEndEvent | y.MappingEndEvent):
                frame = stack.pop()
                if isinstance(frame.value, dict) and frame.merges:
                    self._apply_merges(frame)
                if frame.anchor is not None:
                    self.anchors[frame.anchor] = (frame.value, frame.size)
                result = self._attach(stack, frame.value, frame.size, line, is_merge=False)
                continue
            parent = stack[-1] if stack else None
            is_key = parent is not None and isinstance(parent.value, dict) and parent.key_pending
            loc = self._child_loc(parent)
            if isinstance(event, y.AliasEvent):
                if event.anchor not in self.anchors:
                    raise DocumentError(
                        f"{self.name}: not valid YAML",
                        [Problem("", f"alias to an undefined or unfinished anchor at line {line}")],
                    )
                value, size = self.anchors[event.anchor]
                self._count(size, loc, line)
                result = self._attach(stack, value, size, line, is_merge=False, is_key=is_key)
                continue
            if isinstance(event, y.ScalarEvent):
                is_merge = is_key and event.tag is None and event.implicit[0] and event.value == "<<"
                value = self._scalar(event, loc, line, is_key)
                self._count(1, loc, line)
                if event.anchor is not None:
                    self.anchors[event.anchor] = (value, 1)
                if not is_key:
                    self.lines[loc] = line
                result = self._attach(stack, value, 1, line, is_merge=is_merge, is_key=is_key)
                continue
            if isinstance(event, y.SequenceStartEvent | y.MappingStartEvent):
                if is_key:
                    raise DocumentError(
                        f"{self.name}: not valid YAML",
                        [Problem(_path(loc), f"a list or mapping used as a key at line {line}")],
                    )
                if len(stack) >= self.limits.max_depth:
                    raise _limit(self.name, "", "max_depth", self.limits.max_depth, "nesting too deep", line)
                if event.tag not in (None, "!", _SEQ_TAG, _MAP_TAG):
                    raise DocumentError(
                        f"{self.name}: not valid YAML",
                        [
                            Problem(
                                _path(loc), f"unsupported tag at line {line}", expected="plain YAML values"
                            )
                        ],
                    )
                self._count(1, loc, line)
                self.lines[loc] = line
                container: list[Any] | dict[Any, Any] = [] if isinstance(event, y.SequenceStartEvent) else {}
                stack.append(_Frame(value=container, loc=loc, line=line, anchor=event.anchor))
        return result

    def _child_loc(self, parent: _Frame | None) -> Loc:
        if parent is None:
            return ()
        if isinstance(parent.value, list):
            return (*parent.loc, len(parent.value))
        if parent.key_pending:
            return parent.loc
        return (*parent.loc, parent.key if isinstance(parent.key, str | int) else str(parent.key))

    def _count(self, size: int, loc: Loc, line: int) -> None:
        self.nodes += size
        if self.nodes > self.limits.max_nodes:
            raise _limit(
                self.name,
                _path(loc),
                "max_nodes",
                self.limits.max_nodes,
                "too many values (after alias expansion)",
                line,
            )

    def _scalar(self, event: Any, loc: Loc, line: int, is_key: bool) -> Any:
        y = self.yaml
        value: str = event.value
        if len(value) > self.limits.max_string_chars:
            what = "key too long" if is_key else "string too long"
            raise _limit(self.name, _path(loc), "max_string_chars", self.limits.max_string_chars, what, line)
        if _has_surrogate(value):
            raise _surrogate(self.name, _path(loc), line)
        tag = event.tag
        if tag is None or tag == "!":
            tag = self.resolver.resolve(y.ScalarNode, value, event.implicit)
        if tag == _MERGE_TAG:
            return value
        if tag == _INT_TAG and sum(ch.isdigit() for ch in value) > self.limits.max_int_digits:
            raise _limit(
                self.name,
                _path(loc),
                "max_int_digits",
                self.limits.max_int_digits,
                "integer with too many digits",
                line,
            )
        build = self.constructor.yaml_constructors.get(tag)
        if build is None:
            raise DocumentError(
                f"{self.name}: not valid YAML",
                [Problem(_path(loc), f"unsupported tag at line {line}", expected="plain YAML values")],
            )
        node = y.ScalarNode(tag, value, event.start_mark, event.end_mark, style=event.style)
        try:
            return build(self.constructor, node)
        except Exception:
            # an impossible date (2026-02-30), a malformed binary, …: named by position, never by value
            raise DocumentError(
                f"{self.name}: not valid YAML",
                [Problem(_path(loc), f"value at line {line} is not a valid {tag.rsplit(':', 1)[-1]}")],
            ) from None

    def _attach(
        self, stack: list[_Frame], value: Any, size: int, line: int, *, is_merge: bool, is_key: bool = False
    ) -> Any:
        if not stack:
            return value
        parent = stack[-1]
        parent.size += size
        if isinstance(parent.value, list):
            if len(parent.value) >= self.limits.max_list_items:
                raise _limit(
                    self.name,
                    _path(parent.loc),
                    "max_list_items",
                    self.limits.max_list_items,
                    "list too long",
                    line,
                )
            parent.value.append(value)
            return value
        if is_key:
            parent.key, parent.key_pending, parent.key_line = (_MERGE if is_merge else value), False, line
            return value
        key = parent.key
        parent.key_pending = True
        if key is _MERGE:
            merged = value if isinstance(value, list) else [value]
            if not all(isinstance(m, dict) for m in merged):
                raise DocumentError(
                    f"{self.name}: not valid YAML",
                    [Problem(_path(parent.loc), f"'<<' at line {line} must merge mappings")],
                )
            parent.merges.extend(merged)
            return value
        try:
            hash(key)
        except TypeError:
            raise DocumentError(
                f"{self.name}: not valid YAML",
                [Problem(_path(parent.loc), f"unhashable key at line {parent.key_line}")],
            ) from None
        if key in parent.explicit:
            raise DocumentError(
                f"{self.name}: duplicate key at line {parent.key_line}",
                [
                    Problem(
                        _path((*parent.loc, key if isinstance(key, str | int) else str(key))),
                        f"duplicate key at line {parent.key_line}: which value is meant cannot be told",
                    )
                ],
            )
        parent.explicit.add(key)
        if len(parent.explicit) > self.limits.max_mapping_keys:
            raise _limit(
                self.name,
                _path(parent.loc),
                "max_mapping_keys",
                self.limits.max_mapping_keys,
                "mapping with too many keys",
                line,
            )
        parent.value[key] = value
        return value

    def _apply_merges(self, frame: _Frame) -> None:
        """YAML merge keys: explicit keys win, then earlier merged mappings over later ones."""
        assert isinstance(frame.value, dict)
        merged: dict[Any, Any] = {}
        for source in reversed(frame.merges):
            merged.update(source)
        explicit = dict(frame.value)
        frame.value.clear()  # PyYAML's order: merged keys first, then the explicit ones
        frame.value.update(merged)
        frame.value.update(explicit)
        if len(frame.value) > self.limits.max_mapping_keys:
            raise _limit(
                self.name,
                _path(frame.loc),
                "max_mapping_keys",
                self.limits.max_mapping_keys,
                "mapping with too many keys",
                frame.line,
            )


class _MergeKey:
    """Marks a pending `<<` key."""


_MERGE = _MergeKey()
