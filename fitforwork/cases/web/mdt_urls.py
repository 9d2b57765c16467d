"""URLs for the mdt pages; see urls.py."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
