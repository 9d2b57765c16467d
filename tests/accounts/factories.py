import factory
from django_otp.plugins.otp_totp.models import TOTPDevice

from fitforwork.accounts.models import Role, User
from tests.organisations.factories import OrganisationFactory

PASSWORD = "a long enough password 42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    first_name = "Sam"
    last_name = factory.Sequence(lambda n: f"Tester{n}")
    role = Role.CASE_MANAGER
    organisation = factory.SubFactory(OrganisationFactory)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(self, create, extracted, **kwargs):
        if create:
            self.save()

    class Params:
        with_device = factory.Trait(
            device=factory.RelatedFactory("tests.accounts.factories.TOTPDeviceFactory", factory_related_name="user")
        )


class TOTPDeviceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TOTPDevice

    name = "Authenticator app"
    confirmed = True
