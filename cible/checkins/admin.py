from django.contrib import admin

from cible.checkins.models import CheckIn


@admin.register(CheckIn)
class CheckInAdmin(admin.ModelAdmin):
    list_display = ("key_result", "value", "confidence", "author", "created_at")
    raw_id_fields = ("key_result", "author")
    date_hierarchy = "created_at"
