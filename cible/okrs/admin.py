from django.contrib import admin

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
