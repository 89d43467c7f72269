"""The assessment service: one case in, the `assess --json` contract out (assembled from domain sections)."""

from __future__ import annotations

from oligoboard.assessment.assemble import assemble, assess, check_answers

__all__ = ["assemble", "assess", "check_answers"]
