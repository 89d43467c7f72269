"""Randomisation of enrolled patients: typed per-trial configuration, stratified permuted blocks with
random block sizes, and Pocock–Simon minimisation. Pure functions of their inputs (a secret, the counts
so far); storing and locking is `trial.enrolment`'s and the store's business (docs/trial-operations.md)."""
