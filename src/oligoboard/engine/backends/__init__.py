"""Executors of the one statement behind one interface (`base.Backend`), chosen by name from a registry."""
