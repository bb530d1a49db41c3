from django.contrib import admin

from cible.sources.models import DataSource


@admin.register(DataSource)
class DataSourceAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Read-only: which key results read which source, and how the last run went. Sources
    are set up on the key result's page, where the access rules apply."""

    list_display = ["key_result", "kind", "every", "enabled", "last_success_at", "failing_since"]
    list_filter = ["kind", "enabled"]
    search_fields = ["key_result__title", "last_error"]
    readonly_fields = [f.name for f in DataSource._meta.fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False
