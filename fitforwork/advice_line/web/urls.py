from django.urls import path

from fitforwork.advice_line.web import chat, dashboard, views

app_name = "advice_line"

urlpatterns = [
    path("", views.workspace, name="workspace"),
    path("contacts/new/", views.contact_edit, name="contact-new"),
    path("contacts/find/", views.find, name="find"),
    path("contacts/<uuid:pk>/", views.contact_detail, name="contact"),
    path("contacts/<uuid:pk>/change/", views.contact_edit, name="contact-edit"),
    path("contacts/<uuid:pk>/refer/", views.contact_refer, name="contact-refer"),
    path("contacts/<uuid:pk>/chat/", chat.adviser_chat, name="chat"),
    path("contacts/<uuid:pk>/chat/messages/", chat.adviser_poll, name="chat-poll"),
    path("contacts/<uuid:pk>/chat/end/", chat.adviser_chat_end, name="chat-end"),
    path("follow-ups/<uuid:pk>/done/", views.follow_up_done, name="follow-up-done"),
    path("dashboard/", dashboard.dashboard_page, name="dashboard"),
    path("dashboard/<slug:key>.csv", dashboard.dashboard_csv, name="dashboard-csv"),
]
