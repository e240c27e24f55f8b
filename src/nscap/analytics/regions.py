"""Named regions the sources use, as sets of ISO 3166-1 alpha-2 codes.

A needs assessment scoped to a region ("Asia (including the Middle East)") is compared with the
participants from that region's countries. The lists follow the UN M49 geoscheme; "Asia Pacific"
adds Oceania to East, South-East and South Asia. A region not listed here has no supply (its
gap rows say so) rather than a guessed one.
"""

from __future__ import annotations

from django.utils.text import slugify


def _codes(text: str) -> frozenset[str]:
    return frozenset(text.split())


EAST_ASIA = _codes("CN HK MO TW JP KP KR MN")
SOUTH_EAST_ASIA = _codes("BN KH ID LA MY MM PH SG TH TL VN")
SOUTH_ASIA = _codes("AF BD BT IN IR LK MV NP PK")
CENTRAL_ASIA = _codes("KZ KG TJ TM UZ")
WESTERN_ASIA = _codes("AE AM AZ BH CY GE IL IQ JO KW LB OM PS QA SA SY TR YE")
OCEANIA = _codes("AU NZ FJ PG SB VU WS TO KI FM MH NR PW TV")
EUROPE = _codes(
    "AL AD AT BY BE BA BG HR CZ DK EE FI FR DE GR HU IS IE IT LV LI LT LU MT MD MC ME NL "
    "MK NO PL PT RO RU SM RS SK SI ES SE CH UA GB VA"
)
AFRICA = _codes(
    "DZ AO BJ BW BF BI CV CM CF TD KM CG CD CI DJ EG GQ ER SZ ET GA GM GH GN GW KE LS LR "
    "LY MG MW ML MR MU MA MZ NA NE NG RW ST SN SC SL SO ZA SS SD TZ TG TN UG ZM ZW"
)
AMERICAS = _codes(
    "AG AR BS BB BZ BO BR CA CL CO CR CU DM DO EC SV GD GT GY HT HN JM MX NI PA PY PE KN "
    "LC VC SR TT US UY VE"
)

# One spelling per region (issue 15, found 6): the brief writes "Southeast Asia". Other spellings
# met in sources are read as aliases (``canonical_region``) by the brief loader and the
# synthetic data, and migration ``0002_one_region_vocabulary`` rewrote the stored ones.
REGION_ALIASES = {
    "south-east asia": "Southeast Asia",
    "south east asia": "Southeast Asia",
    "south-eastern asia": "Southeast Asia",
    "southeastern asia": "Southeast Asia",
}

REGIONS: dict[str, frozenset[str]] = {
    "East Asia": EAST_ASIA,
    "Southeast Asia": SOUTH_EAST_ASIA,
    "South Asia": SOUTH_ASIA,
    "Central Asia": CENTRAL_ASIA,
    "Middle East": WESTERN_ASIA,
    "Asia": EAST_ASIA | SOUTH_EAST_ASIA | SOUTH_ASIA | CENTRAL_ASIA | WESTERN_ASIA,
    "Asia (including the Middle East)": (
        EAST_ASIA | SOUTH_EAST_ASIA | SOUTH_ASIA | CENTRAL_ASIA | WESTERN_ASIA
    ),
    "Asia Pacific": EAST_ASIA | SOUTH_EAST_ASIA | SOUTH_ASIA | OCEANIA,
    "Oceania": OCEANIA,
    "Europe": EUROPE,
    "Africa": AFRICA,
    "Americas": AMERICAS,
}

WORLD_NAMES = frozenset({"", "world", "worldwide", "global"})


def canonical_region(region: str) -> str:
    """The registry's one spelling of a region name ("South-East Asia" -> "Southeast Asia");
    a name that is no known alias is returned stripped, as written."""
    region = " ".join(region.split())
    return REGION_ALIASES.get(region.lower(), region)


def countries_of(region: str) -> frozenset[str] | None:
    """The countries of a named region; ``None`` when the region is not known here."""
    return REGIONS.get(canonical_region(region))


def region_slug(region: str) -> str:
    return slugify(region) or "region"


def region_of(country: str) -> str:
    """The first small region (not "Asia", not "Asia Pacific") a country is in; "" if none."""
    for name in (
        "East Asia",
        "Southeast Asia",
        "South Asia",
        "Central Asia",
        "Middle East",
        "Oceania",
        "Europe",
        "Africa",
        "Americas",
    ):
        if country in REGIONS[name]:
            return name
    return ""
