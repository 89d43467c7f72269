"""Tests of the trial analysis services (issue 16)."""
