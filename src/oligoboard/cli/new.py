"""`oligoboard new [--out F]`: a blank case (schema `oligoboard/case@2`) with every field null and commented."""

from __future__ import annotations

from oligoboard.cli.answers import OutOpt, write_text


def new(out: OutOpt = None) -> None:
    """Blank case document to fill in: every field present, null (unknown), with its allowed values."""
    from oligoboard.report.casefiles import blank_case_yaml

    write_text(blank_case_yaml(), out)
