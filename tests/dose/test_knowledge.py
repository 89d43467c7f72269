"""Every radiotherapy knowledge file loads; a rule without a source fails naming file and rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from oligoboard.dose.knowledge import KNOWLEDGE_DIR, load_rule_file
from oligoboard.errors import KnowledgeError

FILES = sorted(KNOWLEDGE_DIR.rglob("*.yaml"))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_knowledge_file_loads_with_sources(path: Path) -> None:
    rules = load_rule_file(path)
    assert rules.rules
    assert all(rule["source"].strip() and isinstance(rule["verified"], bool) for rule in rules.rules)


def test_rule_without_source_fails_naming_file_and_rule(tmp_path: Path) -> None:
    bad = tmp_path / "bad_regimens.yaml"
    bad.write_text("kind: regimens\nrules:\n  - id: no-citation\n    verified: true\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"bad_regimens\.yaml.*no-citation.*source"):
        load_rule_file(bad)


def test_rule_without_verified_flag_fails(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("rules:\n  - id: r1\n    source: somewhere\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"r1.*verified"):
        load_rule_file(bad)


OAR_RULE = """kind: oar_limits
version: "1"
rules:
  - id: r1
    field: mean_lung_dose_gy
    organ: lungs
    applies_to: {{targets: [primary]}}
    source: "somewhere"
    verified: false
{extra}
"""


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ('    operator: "band"\n    limit_gy: 20\n    role: target', "band needs tolerance_gy"),
        ('    operator: "<="\n    limit_gy: 20\n    role: target', "a prescription target is a band"),
        ('    operator: "band"\n    limit_gy: 20\n    tolerance_gy: 1', "a prescription target is a band"),
        ('    operator: "<="\n    limit_gy: 20\n    stated_for: {min_dose_per_fraction_gy: 2}', "stated_for"),
        ('    operator: "<="\n    limit_gy: 20\n    applies_to: {fractions: {min: 0}}', "applies_to"),
    ],
)
def test_oar_rule_shape_is_checked_at_load(tmp_path: Path, extra: str, message: str) -> None:
    """A target is a band with a tolerance, and a band is a target; `stated_for` needs its whole range."""
    path = tmp_path / "oar_limits.yaml"
    text = OAR_RULE.format(extra=extra)
    if "applies_to: {fractions" in extra:
        text = text.replace("    applies_to: {targets: [primary]}\n", "")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(KnowledgeError, match=message):
        load_rule_file(path)


def test_trial_rules_name_their_protocol_and_general_rules_none() -> None:
    """Every rule whose id starts with a trial id belongs to that trial (so no course off trial gets it)."""
    from oligoboard.dose.knowledge import load_knowledge

    for name in ("regimens", "oar_limits"):
        for rule in load_knowledge(name).typed:
            protocol = getattr(rule, "protocol", None)
            if rule.id.startswith("nct"):
                assert protocol is not None and rule.id.startswith(protocol.lower()), rule.id
            else:
                assert protocol is None, rule.id
