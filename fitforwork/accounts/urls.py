from django.urls import path

from fitforwork.accounts import views
from fitforwork.accounts.models import Role
from fitforwork.administration.web.home import administrator_home
from fitforwork.advice_line.web.views import workspace as advice_line_workspace
from fitforwork.cases.web.home import case_manager_home, team_lead_home
from fitforwork.referrals.web.home import referrer_home

app_name = "accounts"

# The home pages that are work lists live with the lists they count; the others are accounts' own.
WORKLIST_HOMES = {
    Role.CASE_MANAGER: case_manager_home,
    Role.TEAM_LEAD: team_lead_home,
    Role.GP: referrer_home,
    Role.EMPLOYER: referrer_home,
    Role.JOBCENTRE: referrer_home,
    Role.COMMUNITY: referrer_home,
    Role.ADVICE_ADVISER: advice_line_workspace,
    Role.ADMINISTRATOR: administrator_home,
}

urlpatterns = [
    path("sign-in/", views.sign_in, name="sign-in"),
    path("sign-in/two-factor/", views.two_factor, name="two-factor"),
    path("sign-in/two-factor/set-up/", views.two_factor_setup, name="two-factor-setup"),
    path("sign-in/forgotten-password/", views.forgotten_password, name="forgotten-password"),
    path("sign-in/forgotten-password/sent/", views.forgotten_password_sent, name="forgotten-password-sent"),
    path("sign-in/reset-password/<str:uidb64>/<str:token>/", views.reset_password, name="reset-password"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("signed-out/", views.signed_out, name="signed-out"),
    path("home/", views.home, name="home"),
    *[
        path(
            f"home/{role.value.replace('_', '-')}/",
            WORKLIST_HOMES.get(role, views.role_home),
            {"role": role.value},
            name=f"home-{role.value.replace('_', '-')}",
        )
        for role in Role
    ],
]
