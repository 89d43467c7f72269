"""The date rule of issue 11: only dates after assessment_date are errors.

"`metastatic_diagnosis_date` before `tumour.diagnosis_date` is valid (staging CT before histology)"
(issue 11, item 3): a staging CT that shows metastases often precedes the biopsy that dates the primary.
"""

from __future__ import annotations

import pytest

from oligoboard.case.validate import parse_case
from oligoboard.errors import CaseValidationError
from tests.support.cases import doc

# (tumour.diagnosis_date, metastatic_diagnosis_date, valid?) with assessment_date 2026-10-01
DATES = [
    ("2026-08-15", "2026-08-01", True),  # staging CT two weeks before histology: valid
    ("2026-08-15", "2026-08-15", True),
    ("2026-08-15", "2026-09-01", True),
    ("2026-08-15", "2026-10-01", True),  # on the assessment date
    ("2026-08-15", "2026-10-02", False),  # the day after the assessment: the one error
    ("2026-10-02", "2026-08-01", False),  # a primary diagnosed after the assessment
]


@pytest.mark.parametrize(("diagnosis", "metastatic", "valid"), DATES)
def test_only_dates_after_assessment_are_errors(diagnosis: str, metastatic: str, valid: bool) -> None:
    document = doc(tumour={"diagnosis_date": diagnosis}, metastatic_diagnosis_date=metastatic)
    if valid:
        assert parse_case(document).metastatic_diagnosis_date is not None
    else:
        with pytest.raises(CaseValidationError) as info:
            parse_case(document)
        assert all("after assessment_date" in p.message for p in info.value.problems)
