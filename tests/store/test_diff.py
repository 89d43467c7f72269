"""Version diffs name every changed leaf by its contract path."""

from __future__ import annotations

from oligoboard.store.diff import diff


def test_changed_added_and_removed_leaves() -> None:
    before = {"id": "a", "lesions": [{"id": "L1", "organ": "bone"}], "answers": {"k": True}}
    after = {"id": "a", "lesions": [{"id": "L1", "organ": "liver"}, {"id": "L2"}], "tumour": {"t": "T2a"}}
    changes = {(c.path, c.kind) for c in diff(before, after)}
    assert changes == {
        ("lesions[0].organ", "changed"),
        ("lesions[1].id", "added"),
        ("tumour.t", "added"),
        ("answers.k", "removed"),
    }


def test_identical_documents_have_no_changes() -> None:
    doc = {"id": "a", "lesions": [{"id": "L1"}]}
    assert diff(doc, dict(doc)) == []
