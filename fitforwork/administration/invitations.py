"""The page an invited member of staff opens from their email to set a password (single use, time-limited)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from fitforwork.accounts.selectors import user_from_link
from fitforwork.administration import services
from fitforwork.administration.pages import render_page
from fitforwork.core.forms import ServiceForm


class SetPasswordForm(ServiceForm):
    password = forms.CharField(
        label="Create a password",
        help_text="At least 12 characters. A few words together is easy to remember and hard to guess.",
        strip=False,
        widget=forms.PasswordInput,
        error_messages={"required": "Enter a password"},
    )
    password_again = forms.CharField(
        label="Enter the password again",
        strip=False,
        widget=forms.PasswordInput,
        error_messages={"required": "Enter the password again"},
    )

    def clean(self) -> dict[str, str]:
        cleaned = super().clean() or {}
        if (
            cleaned.get("password")
            and cleaned.get("password_again")
            and cleaned["password"] != cleaned["password_again"]
        ):
            self.add_error("password_again", "The passwords do not match")
        return cleaned


@login_not_required
@require_http_methods(["GET", "POST"])
def set_password(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    user = user_from_link(uidb64, token)
    if user is None:
        return render_page(request, "link_expired.jinja")
    form = SetPasswordForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_set_from_invitation(user=user, password=form.cleaned_data["password"])
        except ValidationError as error:
            form.add_error("password", error)
        else:
            messages.success(
                request, "Your password is set. Sign in now: you will then set up two-factor authentication."
            )
            return redirect("accounts:sign-in")
    return render_page(request, "set_password.jinja", form=form, email=user.email)
