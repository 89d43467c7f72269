"""Who may do what. Every route names one permission; `deps.require` checks it for the signed-in role.

- viewer: reads cases, assessments, meetings and decisions;
- coordinator: also uploads and edits cases and prepares meetings (case lists);
- physicist: also uploads and edits cases (radiotherapy courses are part of the case);
- clinician: also answers attested criteria and records tumour-board decisions;
- admin: everything, including the audit log.
"""

from __future__ import annotations

from typing import Final, Literal

Permission = Literal[
    "case:read", "case:write", "criterion:answer", "meeting:write", "decision:write", "audit:read"
]

ROLE_PERMISSIONS: Final[dict[str, frozenset[Permission]]] = {
    "viewer": frozenset({"case:read"}),
    "coordinator": frozenset({"case:read", "case:write", "meeting:write"}),
    "physicist": frozenset({"case:read", "case:write"}),
    "clinician": frozenset(
        {"case:read", "case:write", "criterion:answer", "meeting:write", "decision:write"}
    ),
    "admin": frozenset(
        {"case:read", "case:write", "criterion:answer", "meeting:write", "decision:write", "audit:read"}
    ),
}


def allowed(role: str, permission: Permission) -> bool:
    """Example:
    >>> allowed("viewer", "case:read"), allowed("viewer", "decision:write"), allowed("nobody", "case:read")
    (True, False, False)
    """
    return permission in ROLE_PERMISSIONS.get(role, frozenset())
