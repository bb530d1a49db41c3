from django.contrib import admin

from cible.notifications.models import Delivery


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Read-only: what went out, what failed and why."""

    list_display = [
        "period",
        "kind",
        "user",
        "team",
        "organization",
        "status",
        "attempts",
        "sent_at",
    ]
    list_filter = ["status", "kind", "organization"]
    search_fields = ["user__email", "user__name", "team__name", "last_error"]
    readonly_fields = [f.name for f in Delivery._meta.fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False
