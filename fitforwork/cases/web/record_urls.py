"""URLs for the record pages; see urls.py."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
