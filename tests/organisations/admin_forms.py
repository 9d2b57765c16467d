"""Use the Django admin the way a browser would: sign in with two factors, submit forms as rendered."""

from html.parser import HTMLParser

from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.accounts.factories import PASSWORD
from tests.conftest import current_token


def sign_in_with_two_factor(client, user):
    """Sign `user` (who has an authenticator device) in with password and code, as staff must."""
    client.post(reverse("accounts:sign-in"), {"username": user.email, "password": PASSWORD})
    client.post(reverse("accounts:two-factor"), {"token": current_token(TOTPDevice.objects.get(user=user))})
    return client


class _FormFields(HTMLParser):
    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.in_form = False
        self.data: dict[str, list[str]] = {}
        self._textarea: str | None = None
        self._select: str | None = None

    def _add(self, name, value):
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self.in_form = attributes.get("id") == self.form_id
            return
        if not self.in_form or "name" not in attributes and tag != "option":
            return
        if tag == "input":
            kind = attributes.get("type", "text")
            if kind in {"submit", "button", "file", "image", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attributes:
                return
            self._add(attributes["name"], attributes.get("value", "on" if kind == "checkbox" else ""))
        elif tag == "textarea":
            self._textarea = attributes["name"]
            self.data[self._textarea] = [""]
        elif tag == "select":
            self._select = attributes["name"]
            self.data.setdefault(self._select, [])
        elif tag == "option" and self._select and "selected" in attributes:
            self._add(self._select, attributes.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea is not None:
            self.data[self._textarea][-1] += data


def admin_form_data(html: str, form_id: str) -> dict[str, list[str] | str]:
    """The fields of the form with this id, with textareas' leading newline removed as browsers do."""
    parser = _FormFields(form_id)
    parser.feed(html)
    data: dict[str, list[str] | str] = {}
    for name, values in parser.data.items():
        if len(values) == 1:
            value = values[0]
            data[name] = value[1:] if value.startswith("\n") else value
        else:
            data[name] = values
    return data
