from django.urls import path

from fitforwork.accounts import views
from fitforwork.accounts.models import Role

app_name = "accounts"

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
            views.role_home,
            {"role": role.value},
            name=f"home-{role.value.replace('_', '-')}",
        )
        for role in Role
    ],
]
