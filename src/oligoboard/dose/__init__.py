"""Radiotherapy: LQ dose arithmetic, regimen/OAR checks on case courses, DICOM RT DVHs and plan checks.

Import the modules themselves (`oligoboard.dose.lq`, `.course_checks`, `.reirradiation`, `.section`):
this package re-exports nothing, so `oligoboard dose bed` loads the LQ model without the knowledge files.
"""
