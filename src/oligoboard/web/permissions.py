"""Who may do what. Every route names one permission; `deps.require` checks it for the signed-in role.

- viewer: reads cases, assessments, meetings and decisions;
- coordinator: also uploads and edits cases and prepares meetings (case lists);
- physicist: also uploads and edits cases (radiotherapy courses are part of the case);
- clinician: also answers attested criteria and records tumour-board decisions;
- admin: everything, including the audit log.

Trial operations (docs/trial-operations.md): every role reads (`trial:read`); coordinators, clinicians and
admins enrol, randomise and record follow-up; overriding an ineligible or undetermined verdict at
enrolment is a medical judgement (clinician, admin); invalidating an allocation is admin only.
"""

from __future__ import annotations

from typing import Final, Literal

Permission = Literal[
    "case:read",
    "case:write",
    "criterion:answer",
    "meeting:write",
    "decision:write",
    "audit:read",
    "trial:read",
    "trial:enrol",
    "trial:override",
    "trial:randomise",
    "trial:invalidate",
    "trial:followup",
]
_CASE_READ: frozenset[Permission] = frozenset({"case:read", "trial:read"})
_TRIAL_WORK: frozenset[Permission] = frozenset(
    {"trial:read", "trial:enrol", "trial:randomise", "trial:followup"}
)
_BOARD: frozenset[Permission] = frozenset(
    {"case:read", "case:write", "criterion:answer", "meeting:write", "decision:write", "trial:override"}
)

ROLE_PERMISSIONS: Final[dict[str, frozenset[Permission]]] = {
    "viewer": _CASE_READ,
    "coordinator": _TRIAL_WORK.union(frozenset[Permission]({"case:read", "case:write", "meeting:write"})),
    "physicist": _CASE_READ.union(frozenset[Permission]({"case:write"})),
    "clinician": _BOARD.union(_TRIAL_WORK),
    "admin": _BOARD.union(_TRIAL_WORK, frozenset[Permission]({"audit:read", "trial:invalidate"})),
}


def allowed(role: str, permission: Permission) -> bool:
    """Example:
    >>> allowed("viewer", "case:read"), allowed("viewer", "decision:write"), allowed("nobody", "case:read")
    (True, False, False)
    """
    return permission in ROLE_PERMISSIONS.get(role, frozenset())
