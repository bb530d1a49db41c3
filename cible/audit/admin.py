from django.contrib import admin
from django.http import HttpRequest

from cible.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read only: the trail is written by the services, never by hand (its entries go
    with their organisation)."""

    list_display = ("at", "organization", "actor", "action", "target_type", "target_label")
    list_filter = ("action", "target_type", "organization")
    search_fields = ("target_label",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
