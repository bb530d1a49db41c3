from django.urls import path

from cible.inbound import views

urlpatterns = [path("mail-in/", views.mail_in, name="mail_in")]
