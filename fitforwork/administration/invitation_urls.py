from django.urls import path

from fitforwork.administration import invitations

app_name = "invitations"

urlpatterns = [
    path("set-password/<str:uidb64>/<str:token>/", invitations.set_password, name="set-password"),
]
