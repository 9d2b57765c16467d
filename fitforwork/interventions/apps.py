from django.apps import AppConfig


class InterventionsConfig(AppConfig):
    name = "fitforwork.interventions"
    label = "interventions"
    verbose_name = "Interventions"

    def ready(self) -> None:
        # The GP's discharge letter (cases) lists the onward referrals a case had, without cases reading us.
        from fitforwork.cases.letters import help_given_register
        from fitforwork.interventions.selectors import help_given

        help_given_register(help_given)
