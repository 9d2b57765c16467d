"""The table of demo sign-ins that `make run` prints each time it starts the service."""

from __future__ import annotations

from fitforwork.accounts.models import STAFF_ROLES, Role
from fitforwork.demo.accounts import DEMO_PASSWORD, DEMO_USERS


def sign_ins_table(*, two_factor_disabled: bool = False) -> str:
    rows = [("Role", "Email", "Password")]
    rows += [(Role(user.role).label, user.email, DEMO_PASSWORD) for user in DEMO_USERS]
    widths = [max(len(row[column]) for row in rows) for column in range(3)]
    lines = ["Demo sign-ins (demonstration data only):", ""]
    lines += ["  " + "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
              for row in rows]  # fmt: skip
    staff = ", ".join(Role(role).label.lower() for role in Role if role in STAFF_ROLES)
    lines.append("")
    if two_factor_disabled:
        lines.append("Two-factor authentication is switched off for this demonstration (DEMO_ONLY_DISABLE_TWO_FACTOR).")
    else:
        lines.append(
            f"Staff roles ({staff}) set up two-factor authentication on first sign-in with an authenticator app."
        )
    return "\n".join(lines)
