"""Where messages go: GOV.UK Notify when a key is configured, otherwise JSON files on disk."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from notifications_python_client.errors import APIError
from notifications_python_client.notifications import NotificationsAPIClient

from fitforwork.core.outbox.models import Message


class SendError(Exception):
    """A backend could not send a message; a permanent error will never succeed, so is not retried."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class Backend(Protocol):
    def send(self, message: Message) -> str:
        """Send the message and return the provider's id for it; raise SendError if it cannot."""
        ...


class NotifyBackend:
    """GOV.UK Notify. A 400 means Notify will never accept this message (bad template, bad number)."""

    def __init__(self, api_key: str, base_url: str, timeout: float = 30) -> None:
        self.client = NotificationsAPIClient(api_key, base_url=base_url, timeout=timeout)

    def send(self, message: Message) -> str:
        reference = message.reference or None
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
            raise SendError(f"Notify: {error}", permanent=error.status_code == 400) from error
        provider_id = response.get("id") if isinstance(response, dict) else None
        if not provider_id:
            raise SendError("Notify accepted the request but returned no notification id.")
        return str(provider_id)


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


def get_backend() -> Backend:
    """Notify when an API key is configured, otherwise files under OUTBOX_FILE_DIR."""
    if settings.NOTIFY_API_KEY:
        return NotifyBackend(settings.NOTIFY_API_KEY, base_url=settings.NOTIFY_BASE_URL)
    return FileBackend(settings.OUTBOX_FILE_DIR)
