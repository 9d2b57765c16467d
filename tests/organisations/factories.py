import factory

from fitforwork.core.calendar import Nation
from fitforwork.organisations.models import Organisation, ServiceModel, ServiceModelVersion, Site, Team


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = Organisation.Kind.NHS_TRUST
    name = factory.Sequence(lambda n: f"Organisation {n}")

    class Params:
        gp_practice = factory.Trait(
            kind=Organisation.Kind.GP_PRACTICE,
            ods_code=factory.Sequence(lambda n: f"C{n:05d}"),
            name=factory.Sequence(lambda n: f"Practice {n} Surgery"),
        )
        employer = factory.Trait(
            kind=Organisation.Kind.EMPLOYER,
            size_band=Organisation.SizeBand.SMALL,
            name=factory.Sequence(lambda n: f"Employer {n} Ltd"),
        )


class ServiceModelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceModel

    key = factory.Sequence(lambda n: f"model-{n}")
    name = factory.Sequence(lambda n: f"Service model {n}")

    @factory.post_generation
    def version(self, create, extracted, **kwargs):
        if create:
            ServiceModelVersion.objects.create(service_model=self, number=1, config=extracted or {})


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    provider = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Site {n}")
    nation = Nation.ENGLAND_AND_WALES
    service_model = factory.SubFactory(ServiceModelFactory)


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    site = factory.SubFactory(SiteFactory)
    name = factory.Sequence(lambda n: f"Team {n}")
