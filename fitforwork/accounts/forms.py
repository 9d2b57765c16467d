"""Sign-in, two-factor and forgotten-password forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.http import HttpRequest
from django_otp.plugins.otp_totp.models import TOTPDevice

from fitforwork.accounts.models import User
from fitforwork.core.forms import ServiceForm

SIGN_IN_FAILED = "Enter a correct email address and password"


class SignInForm(ServiceForm):
    username = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput,
        error_messages={"required": "Enter your password"},
    )

    def __init__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        self.request = request
        self.user: User | None = None
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        username, password = cleaned.get("username"), cleaned.get("password")
        if username and password:
            user = authenticate(self.request, username=username.lower(), password=password)
            if user is None or not user.is_active:
                raise forms.ValidationError(SIGN_IN_FAILED, code="invalid_login")
            self.user = user  # type: ignore[assignment]
        return cleaned


class TokenForm(ServiceForm):
    token = forms.CharField(
        label="Security code",
        max_length=6,
        min_length=6,
        error_messages={
            "required": "Enter the 6-digit security code from your authenticator app",
            "min_length": "Enter the 6-digit security code from your authenticator app",
            "max_length": "Enter the 6-digit security code from your authenticator app",
        },
    )

    def __init__(self, device: TOTPDevice, *args: Any, **kwargs: Any) -> None:
        self.device = device
        super().__init__(*args, **kwargs)

    def clean_token(self) -> str:
        token = "".join(self.cleaned_data["token"].split())
        if not token.isdigit():
            raise forms.ValidationError("The security code must be 6 numbers")
        allowed, _ = self.device.verify_is_allowed()
        if not allowed:
            raise forms.ValidationError(
                "You have entered a wrong code too many times. Wait a minute, then enter the newest code"
            )
        if not self.device.verify_token(token):
            raise forms.ValidationError("The security code is not right or has expired. Try the newest code")
        return token


class ForgottenPasswordForm(ServiceForm):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )


class NewPasswordForm(ServiceForm):
    """A new password, typed twice, checked against the service's password rules."""

    password = forms.CharField(
        label="New password",
        strip=False,
        widget=forms.PasswordInput,
        help_text="At least 12 characters. Not a common password, not only numbers, not like your name or email",
        error_messages={"required": "Enter a new password"},
    )
    password_again = forms.CharField(
        label="Type the new password again",
        strip=False,
        widget=forms.PasswordInput,
        error_messages={"required": "Type the new password again"},
    )

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        validate_password(password, self.user)
        return password

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("password") and cleaned.get("password_again") not in (None, cleaned["password"]):
            self.add_error("password_again", "The passwords do not match. Type the same new password twice")
        return cleaned
