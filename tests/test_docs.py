"""The `Example:` blocks of the docstrings are run: a documented example that stops being true fails."""

from __future__ import annotations

import doctest
import importlib
import pkgutil
import unittest

import oligoboard

#: Guard against a walk that silently finds nothing (a package renamed, an import path broken).
MIN_MODULES_WITH_EXAMPLES = 4


def _modules() -> list[str]:
    return sorted(m.name for m in pkgutil.walk_packages(oligoboard.__path__, "oligoboard."))


def test_every_docstring_example_holds() -> None:
    suite = unittest.TestSuite()
    with_examples: list[str] = []
    for name in _modules():
        tests = doctest.DocTestSuite(importlib.import_module(name))
        if tests.countTestCases():
            with_examples.append(name)
            suite.addTests(tests)
    assert len(with_examples) >= MIN_MODULES_WITH_EXAMPLES, with_examples
    result = unittest.TextTestRunner(verbosity=0).run(suite)
    assert result.wasSuccessful(), [str(f[0]) for f in result.failures + result.errors]
