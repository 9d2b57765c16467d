from django.urls import path

from fitforwork.advice_line.web import admin_pages

app_name = "advice_line_admin"

urlpatterns = [
    path("", admin_pages.snippets, name="snippets"),
    path("snippets/add/", admin_pages.snippet_edit, name="snippet-add"),
    path("snippets/<uuid:snippet_id>/", admin_pages.snippet_edit, name="snippet"),
    path("topics/add/", admin_pages.topic_edit, name="topic-add"),
    path("topics/<uuid:topic_id>/", admin_pages.topic_edit, name="topic"),
]
