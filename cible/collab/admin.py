from django.contrib import admin

from cible.collab.models import Comment, InboxItem, Reaction


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("id", "organization", "objective", "author", "created_at", "edited_at")
    list_filter = ("organization",)
    raw_id_fields = ("objective", "key_result", "check_in", "reply_to", "author", "mentions")


@admin.register(Reaction)
class ReactionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("id", "emoji", "user", "check_in", "comment", "created_at")
    raw_id_fields = ("objective", "check_in", "comment", "user")


@admin.register(InboxItem)
class InboxItemAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("id", "kind", "recipient", "actor", "created_at", "read_at", "mailed_at")
    list_filter = ("kind",)
    raw_id_fields = ("recipient", "actor", "objective", "check_in", "comment")
