"""The CDS Hooks 3.0 service: discovery, the `patient-view` hook, feedback, and their checks.

`discovery` describes the service, `auth` checks the calling EHR's bearer JWT, `prefetch` gathers the
FHIR resources (prefetched, or fetched from the EHR's FHIR server), `cards` turns an assessment into
cards, `feedback` records what the clinician did with them and `validate` checks every request and
response against the specification's logical models and FHIRPath invariants (docs/cds-hooks.md).
"""
