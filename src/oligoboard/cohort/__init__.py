"""Cohorts: synthetic registries in the normalized table layout of `engine/tables.py` (issue 14)."""
