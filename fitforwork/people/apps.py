from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "fitforwork.people"
    label = "people"
    verbose_name = "People"
