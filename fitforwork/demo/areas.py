"""The demo's service: who provides it, and the areas its sites cover.

Each site runs a different shipped service model in a nation that model allows, and covers real
outward codes (LE1 to LE19 for Leicester, DD1 to DD11 for Dundee) so postcodes and practices look like
the place. The provider and employer names are invented.
"""

from __future__ import annotations

from dataclasses import dataclass

from fitforwork.core.calendar import Nation
from fitforwork.organisations.models import Organisation


@dataclass(frozen=True)
class ProviderSpec:
    key: str
    name: str
    kind: str
    postcode: str
    nation: str


@dataclass(frozen=True)
class SiteSpec:
    key: str
    name: str
    preset: str
    nation: str
    provider: str
    # Outward code and the post town it belongs to.
    districts: tuple[tuple[str, str], ...]
    # Neighbourhoods, for the names of practices and employers.
    places: tuple[str, ...]
    # The first three characters of the site's GP practice codes (letter, then two digits).
    ods_prefix: str
    # The share of all clients this site serves.
    share: float
    # The local authority for the area.
    council: str
    # Where the demo sign-ins work.
    is_main: bool = False
    # Welsh or Scottish names and Welsh language, where the site is.
    region: str = ""

    @property
    def town(self) -> str:
        return self.districts[0][1]


def _districts(area: str, numbers: list[int], town: str, **other_towns: str) -> tuple[tuple[str, str], ...]:
    """Outward codes such as LE1..LE19, each with its post town (most in `town`, some elsewhere)."""
    return tuple((f"{area}{n}", other_towns.get(f"{area}{n}", town)) for n in numbers)


PROVIDERS: tuple[ProviderSpec, ...] = (
    ProviderSpec(
        "soar-valley", "Soar Valley Community Health NHS Trust", Organisation.Kind.NHS_TRUST, "LE5 4PW",
        Nation.ENGLAND_AND_WALES,
    ),
    ProviderSpec(
        "castell", "Castell Occupational Health Ltd", Organisation.Kind.OH_PROVIDER, "CF10 4UW",
        Nation.ENGLAND_AND_WALES,
    ),
    ProviderSpec("clyde", "NHS Clyde and Kelvin", Organisation.Kind.NHS_TRUST, "G12 0XH", Nation.SCOTLAND),
    ProviderSpec("tay", "NHS Tay and Fife", Organisation.Kind.NHS_TRUST, "DD1 9SY", Nation.SCOTLAND),
    ProviderSpec(
        "sheffield-council", "Sheffield City Council", Organisation.Kind.LOCAL_AUTHORITY, "S1 2HH",
        Nation.ENGLAND_AND_WALES,
    ),
)  # fmt: skip

SITES: tuple[SiteSpec, ...] = (
    SiteSpec(
        key="leicester",
        name="WorkWell Leicester",
        preset="workwell",
        nation=Nation.ENGLAND_AND_WALES,
        provider="soar-valley",
        districts=_districts(
            "LE", list(range(1, 20)), "Leicester",
            LE10="Hinckley", LE11="Loughborough", LE12="Loughborough", LE13="Melton Mowbray",
            LE14="Melton Mowbray", LE15="Oakham", LE16="Market Harborough", LE17="Lutterworth",
            LE18="Wigston",
        ),
        places=(
            "Aylestone", "Belgrave", "Braunstone", "Clarendon Park", "Evington", "Humberstone", "Knighton",
            "Oadby", "Wigston", "Birstall", "Thurmaston", "Beaumont Leys", "Rushey Mead", "Westcotes",
            "Hinckley", "Loughborough", "Melton", "Market Harborough", "Lutterworth", "Syston",
        ),
        ods_prefix="C82",
        share=0.30,
        council="Leicester City Council",
        is_main=True,
    ),
    SiteSpec(
        key="cardiff",
        name="Fit for Work Wales: Cardiff and Vale",
        preset="fit-for-work-national",
        nation=Nation.ENGLAND_AND_WALES,
        provider="castell",
        districts=_districts(
            "CF", [3, 5, 10, 11, 14, 15, 23, 24, 62, 63, 64], "Cardiff",
            CF62="Barry", CF63="Barry", CF64="Penarth",
        ),
        places=(
            "Canton", "Roath", "Splott", "Grangetown", "Llandaff", "Whitchurch", "Cathays", "Ely", "Rumney",
            "Llanishen", "Penarth", "Barry", "Pontprennau", "Heath", "Radyr",
        ),
        ods_prefix="W97",
        region="wales",
        share=0.15,
        council="Cardiff Council",
    ),
    SiteSpec(
        key="glasgow",
        name="Working Health Services Scotland: Glasgow",
        preset="working-health-services-scotland",
        nation=Nation.SCOTLAND,
        provider="clyde",
        districts=_districts(
            "G", [1, 2, 3, 4, 5, 11, 12, 13, 14, 15, 20, 21, 22, 23, 31, 32, 33, 34, 40, 41, 42, 43, 44,
                  45, 46, 51, 52, 53],
            "Glasgow",
        ),
        places=(
            "Partick", "Govan", "Shettleston", "Dennistoun", "Maryhill", "Springburn", "Pollokshields",
            "Govanhill", "Castlemilk", "Easterhouse", "Drumchapel", "Hillhead", "Bridgeton", "Cardonald",
            "Knightswood",
        ),
        ods_prefix="S43",
        region="scotland",
        share=0.20,
        council="Glasgow City Council",
    ),
    SiteSpec(
        key="dundee",
        name="Health and Work Support: Dundee and Angus",
        preset="health-and-work-support-pilot",
        nation=Nation.SCOTLAND,
        provider="tay",
        districts=_districts(
            "DD", list(range(1, 12)), "Dundee",
            DD6="Newport-on-Tay", DD7="Carnoustie", DD8="Forfar", DD9="Brechin", DD10="Montrose",
            DD11="Arbroath",
        ),
        places=(
            "Lochee", "Broughty Ferry", "Stobswell", "Hilltown", "Menzieshill", "Whitfield", "Douglas",
            "Ardler", "Monifieth", "Carnoustie", "Forfar", "Arbroath", "Montrose", "Brechin", "Kirriemuir",
        ),
        ods_prefix="S31",
        region="scotland",
        share=0.10,
        council="Dundee City Council",
    ),
    SiteSpec(
        key="sheffield",
        name="Sheffield GP work and health coaching",
        preset="gp-practice-work-coaching",
        nation=Nation.ENGLAND_AND_WALES,
        provider="sheffield-council",
        districts=_districts("S", [*range(1, 15), 17, 20, 35], "Sheffield"),
        places=(
            "Hillsborough", "Walkley", "Crookes", "Heeley", "Darnall", "Firth Park", "Woodseats", "Gleadless",
            "Ecclesall", "Sharrow", "Attercliffe", "Chapeltown", "Handsworth", "Broomhill", "Meersbrook",
        ),
        ods_prefix="C88",
        share=0.15,
        council="Sheffield City Council",
    ),
    SiteSpec(
        key="birmingham",
        name="Fit for Work pilot: Birmingham",
        preset="pilot-fast-access",
        nation=Nation.ENGLAND_AND_WALES,
        provider="soar-valley",
        districts=_districts("B", list(range(1, 39)), "Birmingham"),
        places=(
            "Aston", "Handsworth", "Erdington", "Edgbaston", "Small Heath", "Sparkhill", "Moseley",
            "Kings Heath", "Selly Oak", "Northfield", "Acocks Green", "Yardley", "Perry Barr", "Digbeth",
            "Harborne",
        ),
        ods_prefix="M85",
        share=0.10,
        council="Birmingham City Council",
    ),
)  # fmt: skip

MAIN_SITE = next(site for site in SITES if site.is_main)

# The organisations the demo sign-ins belong to, found again by these names on a second run.
DEMO_EMPLOYER_NAME = "Fosse Way Logistics Ltd"
DEMO_JOBCENTRE_NAME = "Leicester Charles Street Jobcentre"
DEMO_COMMUNITY_NAME = "Leicester Community Links"
DEMO_COMMISSIONER_NAME = "Joint Work and Health Commissioning Unit"
DEMO_OH_PROVIDER_NAME = "Midlands Workplace Health Ltd"
