from django.urls import URLPattern, URLResolver, path

from cible.api import views
from cible.api.main import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("api/v1/", api.urls),
    path("account/tokens/", views.token_list, name="api_tokens"),
    path("account/tokens/<id:pk>/revoke/", views.token_revoke, name="api_token_revoke"),
]
