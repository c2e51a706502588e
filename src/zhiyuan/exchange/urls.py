"""Exchange pages: export for the national system, transfers in."""

from django.urls import path

from zhiyuan.exchange import views

app_name = "exchange"
urlpatterns = [
    path("", views.index, name="index"),
    path("export/", views.export, name="export"),
    path("transfers/", views.transfer, name="transfer"),
]
