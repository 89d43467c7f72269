"""Survival statistics for trial endpoints, on lifelines (pinned in pyproject.toml).

Public API (what the trialops web analysis page calls):

- `data.SurvivalSample`, `data.sample_from_columns`, `data.read_survival_csv`: validated input;
- `kaplan_meier.kaplan_meier` → `KaplanMeier` (curve, CIs, median with CI, `survival_at`);
- `landmark.landmark_survival` (S at 1, 2, 3 years), `followup_time.median_followup` (reverse KM);
- `logrank.logrank`, `cox.cox_by_group` (Efron ties), `rmst.rmst`;
- `summary.summarise` → the JSON dict `oligoboard survival --json` prints;
- `endpoints.endpoint_times` (OS/PFS from dated events), `recurrence.classify_recurrence`.

Times are in whatever unit the caller's data is in; functions that need years take a `unit`.
"""
