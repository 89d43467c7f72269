"""Adverse-event grading by NCI CTCAE, version pinned per trial (issue 16.5): `ctcae`."""
