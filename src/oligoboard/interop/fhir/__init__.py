"""FHIR R4 / mCODE 4.0 import (`importer.import_resources`) and export (`exporter`), docs/fhir.md.

Resources are validated with the `fhir.resources.R4B` models (R4B shares R4's resource shapes for every
resource used here; the package's default models are R5) before anything is mapped.
"""
