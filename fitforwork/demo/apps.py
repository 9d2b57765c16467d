from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "fitforwork.demo"
    label = "demo"
    verbose_name = "Demonstration data"
