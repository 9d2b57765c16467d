from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "fitforwork.plans"
    label = "plans"
    verbose_name = "Return-to-work plans and fit notes"
