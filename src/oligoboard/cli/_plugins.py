"""The CLI validates case documents with no third-party pydantic plugins loaded.

Why: pydantic looks for plugins on the first model it builds by importing ``importlib.metadata`` and scanning
every installed distribution's entry points: ≈ 25-50 ms on the 2-core machine (``python -X importtime``,
docs/architecture.md "Start-up"), a sixth of ``oligoboard validate``. The CLI uses no plugin, and a plugin
installed in the same environment would observe every validated case (patient data), so the CLI process
runs as if ``PYDANTIC_DISABLE_PLUGINS=__all__`` were set, without paying for the scan.

How: pydantic reads plugins through one function, ``pydantic.plugin._loader.get_plugins`` (imported inside
``create_schema_validator`` of the pinned ``pydantic==2.14.3``). Before pydantic first needs it, the CLI
registers a module of that name whose ``get_plugins`` returns no plugin, as the real one does when plugins
are disabled. If pydantic already loaded its loader (a library embedding the CLI), nothing is changed.
``tests/test_startup_imports.py`` checks that ``validate`` no longer imports ``importlib.metadata``.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Iterable

LOADER = "pydantic.plugin._loader"


def _no_plugins() -> Iterable[object]:
    return ()


def disable_pydantic_plugins() -> None:
    """Make pydantic find no plugins in this process, without importing importlib.metadata."""
    if LOADER in sys.modules:
        return
    loader = types.ModuleType(LOADER, "No pydantic plugins in the oligoboard CLI (oligoboard.cli._plugins).")
    loader.get_plugins = _no_plugins  # type: ignore[attr-defined]
    sys.modules[LOADER] = loader
