from django.contrib import admin

from cible.checkins.models import CheckIn, Review


@admin.register(CheckIn)
class CheckInAdmin(admin.ModelAdmin):
    list_display = ("key_result", "value", "confidence", "author", "created_at")
    raw_id_fields = ("key_result", "author")
    date_hierarchy = "created_at"


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ("kind", "organization", "team", "cycle", "held_on")
    list_filter = ("kind",)
    raw_id_fields = ("organization", "cycle", "team", "created_by")
