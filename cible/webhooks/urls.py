from django.urls import URLPattern, URLResolver, path

from cible.webhooks import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("webhooks/", views.endpoint_list, name="webhook_list"),
    path("webhooks/new/", views.endpoint_create, name="webhook_create"),
    path("webhooks/<id:pk>/", views.endpoint_detail, name="webhook_detail"),
    path("webhooks/<id:pk>/edit/", views.endpoint_edit, name="webhook_edit"),
    path("webhooks/<id:pk>/delete/", views.endpoint_delete, name="webhook_delete"),
    path("webhooks/<id:pk>/secret/", views.endpoint_rotate, name="webhook_rotate_secret"),
    path("webhooks/<id:pk>/ping/", views.endpoint_ping, name="webhook_ping"),
    path("webhooks/deliveries/", views.delivery_log, name="webhook_deliveries"),
    path("webhooks/deliveries/<id:pk>/", views.delivery_detail, name="webhook_delivery"),
    path(
        "webhooks/deliveries/<id:pk>/redeliver/",
        views.delivery_redeliver,
        name="webhook_redeliver",
    ),
]
