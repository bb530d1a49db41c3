from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from cible.okrs import alignment
from cible.okrs.models import Change, Cycle, Dependency, KeyResult, Objective


@admin.register(Cycle)
class CycleAdmin(admin.ModelAdmin):
    list_display = ("name", "organization", "kind", "start", "end", "state")
    list_filter = ("kind", "state", "organization")
    raw_id_fields = ("parent",)


class KeyResultInline(admin.StackedInline):
    model = KeyResult
    extra = 0
    fk_name = "objective"
    raw_id_fields = ("owner", "driven_by")


@admin.register(Objective)
class ObjectiveAdmin(admin.ModelAdmin):
    list_display = ("title", "organization", "cycle", "level", "team", "owner", "state")
    list_filter = ("level", "state", "visibility", "origin", "organization")
    search_fields = ("title",)
    raw_id_fields = ("cycle", "team", "owner", "parents")
    inlines = (KeyResultInline,)

    # The one place besides the services that archives or deletes an objective: its
    # children's `aligned` flags follow (cible.okrs.alignment); its links, through the
    # signal.
    def save_model(self, request: HttpRequest, obj: Objective, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and "archived_at" in form.changed_data:
            alignment.refresh_children(obj)

    def delete_model(self, request: HttpRequest, obj: Objective) -> None:
        children = alignment.child_ids(obj)
        super().delete_model(request, obj)
        alignment.refresh(children)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Objective]) -> None:
        children = alignment.child_ids(queryset)
        super().delete_queryset(request, queryset)
        alignment.refresh(children)


@admin.register(KeyResult)
class KeyResultAdmin(admin.ModelAdmin):
    list_display = ("title", "objective", "kind", "current", "target", "owner")
    list_filter = ("kind",)
    search_fields = ("title",)
    raw_id_fields = ("objective", "owner", "driven_by")


@admin.register(Dependency)
class DependencyAdmin(admin.ModelAdmin):
    list_display = ("from_objective", "to_objective", "state")
    raw_id_fields = (
        "from_objective",
        "from_key_result",
        "to_objective",
        "to_key_result",
        "created_by",
    )


@admin.register(Change)
class ChangeAdmin(admin.ModelAdmin):
    list_display = ("at", "action", "summary", "actor", "organization")
    list_filter = ("action",)
    search_fields = ("summary", "reason")
    raw_id_fields = ("organization", "objective", "key_result", "actor")
    date_hierarchy = "at"
