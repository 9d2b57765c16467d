"""The demonstration sign-ins: one person for each role, with one shared demo password.

`make run` prints these; the end-to-end tests sign in as each of them.
"""

from __future__ import annotations

from dataclasses import dataclass

from fitforwork.accounts.models import Role

# Only ever used for demonstration data; `demo` refuses to run when DEBUG is off unless told to.
DEMO_PASSWORD = "demo-password-for-fit-for-work"  # noqa: S105


@dataclass(frozen=True)
class DemoUser:
    role: str
    email: str
    first_name: str
    last_name: str
    job_title: str


DEMO_USERS: list[DemoUser] = [
    DemoUser(Role.GP, "gp@demo.fitforwork.test", "Priya", "Shah", "GP"),
    DemoUser(Role.EMPLOYER, "employer@demo.fitforwork.test", "Gareth", "Evans", "HR manager"),
    DemoUser(Role.JOBCENTRE, "work.coach@demo.fitforwork.test", "Aisha", "Okafor", "Work coach"),
    DemoUser(Role.COMMUNITY, "community@demo.fitforwork.test", "Tom", "Reilly", "Community link worker"),
    DemoUser(Role.ADVICE_ADVISER, "adviser@demo.fitforwork.test", "Fiona", "MacLeod", "Advice line adviser"),
    DemoUser(Role.CASE_MANAGER, "case.manager@demo.fitforwork.test", "Daniel", "Hughes", "Case manager"),
    DemoUser(Role.PRACTITIONER, "physio@demo.fitforwork.test", "Mei", "Chen", "Physiotherapist"),
    DemoUser(Role.TEAM_LEAD, "team.lead@demo.fitforwork.test", "Grace", "Adeyemi", "Team lead"),
    DemoUser(Role.COMMISSIONER, "commissioner@demo.fitforwork.test", "Martin", "Doyle", "Commissioning manager"),
    DemoUser(Role.EVALUATOR, "evaluator@demo.fitforwork.test", "Nadia", "Rahman", "Service evaluator"),
    DemoUser(Role.ADMINISTRATOR, "admin@demo.fitforwork.test", "Helen", "Price", "Service administrator"),
    DemoUser(Role.DATA_PROTECTION_OFFICER, "dpo@demo.fitforwork.test", "Ruth", "Abbott", "Data protection officer"),
]
