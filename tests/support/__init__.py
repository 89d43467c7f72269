"""Test support: case builders (`tests.support.cases`) and the shared sources beside the repo (`.shared`)."""
