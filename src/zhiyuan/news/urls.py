"""News page URLs."""

from django.urls import path

from zhiyuan.news import views

app_name = "news"
urlpatterns = [
    path("", views.article_list, name="list"),
    path("column/<slug:code>/", views.article_list, name="column"),
    path("<int:article_id>/", views.article_detail, name="detail"),
    path("<int:article_id>/cover/", views.cover, name="cover"),
    path("manage/", views.manage, name="manage"),
    path("manage/new/", views.create, name="create"),
    path("manage/<int:article_id>/", views.edit, name="edit"),
    path("manage/<int:article_id>/act/", views.act, name="act"),
]
