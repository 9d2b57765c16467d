"""A read-only view of the outbox for administrators: messages change only through the services.

A message names its recipient, so opening one (or a list of them) is audited.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from fitforwork.core.audit.admin_reads import AuditedReadsAdmin
from fitforwork.core.outbox.models import Message


@admin.register(Message)
class MessageAdmin(AuditedReadsAdmin):
    # The recipient is personal data: shown on a message's own page, not in the list.
    list_display = [
        "created_at",
        "status",
        "channel",
        "template_name",
        "reference",
        "attempts",
        "cancelled_reason",
        "unconfirmed",
        "next_attempt_at",
        "sent_at",
    ]
    # Failed and unconfirmed: the messages a person must check with the provider.
    list_filter = ["status", "unconfirmed", "channel"]
    search_fields = ["reference", "provider_id"]
    ordering = ["status", "-created_at"]
    date_hierarchy = "created_at"
    show_full_result_count = False

    def get_readonly_fields(self, request: HttpRequest, obj: Message | None = None) -> list[str]:
        return [field.name for field in Message._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
