import factory

from fitforwork.core.calendar import Nation
from fitforwork.organisations.models import Organisation, ServiceModel, ServiceModelVersion, Site, Team
from fitforwork.organisations.presets import preset

DEFAULT_PRESET = "fit-for-work-national"


def valid_config(key: str = DEFAULT_PRESET) -> dict:
    """A fresh copy of a shipped preset's config: valid, and safe to change in a test."""
    return preset(key).config


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
        large_employer = factory.Trait(
            kind=Organisation.Kind.EMPLOYER,
            size_band=Organisation.SizeBand.LARGE,
            name=factory.Sequence(lambda n: f"Large Employer {n} plc"),
        )
        jobcentre = factory.Trait(
            kind=Organisation.Kind.JOBCENTRE, name=factory.Sequence(lambda n: f"Jobcentre Plus {n}")
        )
        local_authority = factory.Trait(
            kind=Organisation.Kind.LOCAL_AUTHORITY, name=factory.Sequence(lambda n: f"County Council {n}")
        )
        oh_provider = factory.Trait(
            kind=Organisation.Kind.OH_PROVIDER, name=factory.Sequence(lambda n: f"Occupational Health {n}")
        )
        voluntary_sector = factory.Trait(
            kind=Organisation.Kind.VOLUNTARY_SECTOR, name=factory.Sequence(lambda n: f"Community Trust {n}")
        )


class ServiceModelFactory(factory.django.DjangoModelFactory):
    """A service model with version 1 holding a valid config (`version=` gives another config)."""

    class Meta:
        model = ServiceModel
        skip_postgeneration_save = True

    key = factory.Sequence(lambda n: f"model-{n}")
    name = factory.Sequence(lambda n: f"Service model {n}")

    @factory.post_generation
    def version(self, create, extracted, **kwargs):
        if create:
            ServiceModelVersion.objects.create(
                service_model=self, number=1, config=extracted if extracted is not None else valid_config()
            )


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site
        skip_postgeneration_save = True

    provider = factory.SubFactory(OrganisationFactory, oh_provider=True)
    name = factory.Sequence(lambda n: f"Site {n}")
    nation = Nation.ENGLAND_AND_WALES
    service_model = factory.SubFactory(ServiceModelFactory)
    postcode_districts = factory.LazyFunction(lambda: ["LE1", "LE2"])

    @factory.post_generation
    def gp_practices(self, create, extracted, **kwargs):
        if create and extracted:
            self.gp_practices.set(extracted)

    class Params:
        scotland = factory.Trait(nation=Nation.SCOTLAND, postcode_districts=["DD1", "KY1"])


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    site = factory.SubFactory(SiteFactory)
    name = factory.Sequence(lambda n: f"Team {n}")
