"""Entry points that speak other systems' formats (FHIR R4 mCODE, CDS Hooks), layer 6 like `cli/` and `web/`.

An interop module turns a foreign document into the case contract (or the assessment contract into a
foreign document) and reports what it used and what it could not; it never decides anything itself.
"""
