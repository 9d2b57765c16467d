from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "fitforwork.evaluation"
    label = "evaluation"
    verbose_name = "Evaluation"
