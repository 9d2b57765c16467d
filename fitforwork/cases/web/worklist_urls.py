"""URLs for the worklist pages; see urls.py."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
