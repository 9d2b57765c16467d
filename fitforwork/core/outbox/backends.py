"""Where messages go: GOV.UK Notify when a key is configured, otherwise JSON files on disk.

A send ends one of three ways. The backend returns the provider's id: sent. It raises `SendError`: the
provider certainly does not have the message, so it is retried later, or never if `permanent`. It raises
`SendUnconfirmed`: the request may have reached the provider but we could not read whether it was
accepted, so nothing may resend it until `find` has asked the provider.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from notifications_python_client.errors import APIError, InvalidResponse
from notifications_python_client.notifications import NotificationsAPIClient
from requests.exceptions import ConnectionError as RequestsConnectionError
from requests.exceptions import ProxyError, SSLError
from urllib3.exceptions import ConnectTimeoutError, MaxRetryError

from fitforwork.core.outbox.models import Message

# Seconds to wait for Notify to connect, and then for each read of its answer.
NOTIFY_TIMEOUT = 30.0


class SendError(Exception):
    """The provider does not have the message; a permanent error will never succeed, so is not retried."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class SendUnconfirmed(Exception):
    """The request may have reached the provider, which may have accepted it: ask before sending again."""


class ProviderLookupError(Exception):
    """The provider could not be asked whether it has a message, or its answer could not be read."""


class Backend(Protocol):
    def send(self, message: Message) -> str:
        """Send the message and return the provider's id for it; raise SendError or SendUnconfirmed if not."""
        ...

    def find(self, message: Message) -> str | None:
        """The provider's id for this message if it has it, None if not; raise ProviderLookupError if unsure."""
        ...


def notify_reference(message: Message) -> str:
    """The reference Notify keeps for a message: our message id, unique, so a lookup finds only this one.

    `Message.reference` (a referral id, say) is ours alone: several messages share it, and it is not sent.
    """
    return str(message.pk)


def _never_sent(error: APIError) -> bool:
    """Whether the connection failed before the request went out, so Notify cannot have the message.

    requests raises ConnectionError both for a refused, unresolved or timed-out connection (wrapping
    urllib3's MaxRetryError for a ConnectTimeoutError, of which NewConnectionError is one) and for a
    connection dropped after the request was sent (wrapping a ProtocolError). Only the first is safe to
    resend; a ReadTimeout, a dropped connection, a proxy or TLS error all might follow Notify receiving it.
    """
    cause = error.__cause__
    if not isinstance(cause, RequestsConnectionError) or isinstance(cause, ProxyError | SSLError):
        return False
    inner = cause.args[0] if cause.args else None
    return isinstance(inner, MaxRetryError) and isinstance(inner.reason, ConnectTimeoutError)


def _describe(error: APIError) -> str:
    """The error as a person reads it: Notify's status and message, or what went wrong on the way."""
    if error.response is not None:
        return f"Notify: {error}"
    cause = error.__cause__
    return f"Notify: {type(cause).__name__}: {cause}" if cause is not None else f"Notify: {error}"


def _send_error(error: APIError) -> Exception:
    response = error.response
    if response is None:
        if _never_sent(error):
            return SendError(f"{_describe(error)} (the request was not sent)")
        return SendUnconfirmed(f"{_describe(error)} (the request may have reached Notify)")
    status = response.status_code
    if isinstance(error, InvalidResponse) or status < 400:
        return SendUnconfirmed(f"Notify answered {status} but its answer could not be read.")
    if status == 504:
        # A gateway gave up waiting for Notify, which may still have accepted the message.
        return SendUnconfirmed(f"{_describe(error)} (a gateway timed out; Notify may have accepted it)")
    if status in (408, 429) or status >= 500:
        return SendError(_describe(error))
    return SendError(_describe(error), permanent=True)


class NotifyBackend:
    """GOV.UK Notify. 429 and 5xx are retried; any other 4xx means Notify will never accept the message."""

    def __init__(self, api_key: str, base_url: str, timeout: float = NOTIFY_TIMEOUT) -> None:
        self.client = NotificationsAPIClient(api_key, base_url=base_url, timeout=timeout)

    def send(self, message: Message) -> str:
        reference = notify_reference(message)
        personalisation = message.personalisation or None
        try:
            if message.channel == Message.Channel.EMAIL:
                response = self.client.send_email_notification(
                    email_address=message.recipient,
                    template_id=message.template_id,
                    personalisation=personalisation,
                    reference=reference,
                )
            elif message.channel == Message.Channel.SMS:
                response = self.client.send_sms_notification(
                    phone_number=message.recipient,
                    template_id=message.template_id,
                    personalisation=personalisation,
                    reference=reference,
                )
            else:
                response = self.client.send_letter_notification(
                    template_id=message.template_id,
                    personalisation=message.personalisation,
                    reference=reference,
                )
        except APIError as error:
            raise _send_error(error) from error
        provider_id = response.get("id") if isinstance(response, dict) else None
        if not provider_id:
            raise SendUnconfirmed("Notify answered without a notification id, so it may have accepted the message.")
        return str(provider_id)

    def find(self, message: Message) -> str | None:
        reference = notify_reference(message)
        try:
            answer = self.client.get_all_notifications(reference=reference)
        except APIError as error:
            raise ProviderLookupError(_describe(error)) from error
        notifications = answer.get("notifications") if isinstance(answer, dict) else None
        if not isinstance(notifications, list):
            raise ProviderLookupError("Notify's answer to the lookup could not be read.")
        for notification in notifications:
            if isinstance(notification, dict) and notification.get("reference") == reference and notification.get("id"):
                return str(notification["id"])
        return None


class FileBackend:
    """One JSON file per message, for development and demonstrations; nothing leaves the machine."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    def path_for(self, message: Message) -> Path:
        return self.directory / f"{message.pk}.json"

    def send(self, message: Message) -> str:
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        content: dict[str, Any] = {
            "id": str(message.pk),
            "channel": message.channel,
            "template_id": message.template_id,
            "template_name": message.template_name,
            "recipient": message.recipient,
            "personalisation": message.personalisation,
            "reference": message.reference,
            "created_at": message.created_at,
        }
        path = self.path_for(message)
        partial = path.with_suffix(".json.partial")
        partial.write_text(
            json.dumps(content, cls=DjangoJSONEncoder, indent=2, sort_keys=True, ensure_ascii=False) + "\n",
            encoding="utf-8",
        )
        # A reader never sees half a file: the rename is atomic.
        os.replace(partial, path)
        return f"local-{message.pk}"

    def find(self, message: Message) -> str | None:
        return f"local-{message.pk}" if self.path_for(message).exists() else None


def get_backend() -> Backend:
    """Notify when an API key is configured, otherwise files under OUTBOX_FILE_DIR."""
    if settings.NOTIFY_API_KEY:
        return NotifyBackend(settings.NOTIFY_API_KEY, base_url=settings.NOTIFY_BASE_URL, timeout=NOTIFY_TIMEOUT)
    return FileBackend(settings.OUTBOX_FILE_DIR)
