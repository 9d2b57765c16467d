from django.urls import path

from fitforwork.advice_line.web import chat

app_name = "advice_line_public"

urlpatterns = [
    path("", chat.chat_start, name="chat"),
    path("conversation/", chat.chat_room, name="chat-room"),
    path("conversation/messages/", chat.chat_poll, name="chat-poll"),
    path("conversation/leave/", chat.chat_leave, name="chat-leave"),
    path("message/", chat.message, name="message"),
]
