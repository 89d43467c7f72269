"""Interoperability with hospital systems: FHIR R4 (mCODE) import/export and the CDS Hooks service."""
