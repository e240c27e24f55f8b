"""World regions for comparing offerings: the UN M49 sub-regions, by ISO 3166-1 alpha-2 code.

Sub-Saharan Africa and Latin America and the Caribbean are kept whole (M49's "intermediate
regions" would split them further). A country missing here is its own region, so nothing is
silently grouped with the wrong neighbours.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

REGIONS = {
    "eastern-asia": (_("Eastern Asia"), "CN HK MO TW JP KP KR MN"),
    "south-eastern-asia": (_("South-eastern Asia"), "BN KH ID LA MY MM PH SG TH TL VN"),
    "southern-asia": (_("Southern Asia"), "AF BD BT IN IR MV NP PK LK"),
    "central-asia": (_("Central Asia"), "KZ KG TJ TM UZ"),
    "western-asia": (
        _("Western Asia"),
        "AM AZ BH CY GE IQ IL JO KW LB OM QA SA PS SY TR AE YE",
    ),
    "eastern-europe": (_("Eastern Europe"), "BY BG CZ HU PL MD RO RU SK UA"),
    "northern-europe": (_("Northern Europe"), "AX DK EE FO FI GG IS IE IM JE LV LT NO SJ SE GB"),
    "southern-europe": (_("Southern Europe"), "AL AD BA HR GI GR VA IT MT ME MK PT SM RS SI ES"),
    "western-europe": (_("Western Europe"), "AT BE FR DE LI LU MC NL CH"),
    "northern-africa": (_("Northern Africa"), "DZ EG LY MA SD TN EH"),
    "sub-saharan-africa": (
        _("Sub-Saharan Africa"),
        "AO BJ BW BF BI CV CM CF TD KM CG CD CI DJ GQ ER SZ ET GA GM GH GN GW KE LS LR MG MW ML "
        "MR MU YT MZ NA NE NG RE RW SH ST SN SC SL SO ZA SS TZ TG UG ZM ZW IO TF",
    ),
    "northern-america": (_("Northern America"), "BM CA GL PM US"),
    "latin-america-caribbean": (
        _("Latin America and the Caribbean"),
        "AG AI AR AW BB BL BO BQ BR BS BV BZ CL CO CR CU CW DM DO EC FK GD GF GP GS GT GY HN HT "
        "JM KN KY LC MF MQ MS MX NI PA PE PR PY SR SV SX TC TT UY VC VE VG VI",
    ),
    "australia-new-zealand": (_("Australia and New Zealand"), "AU NZ NF HM CC CX"),
    "melanesia": (_("Melanesia"), "FJ NC PG SB VU"),
    "micronesia": (_("Micronesia"), "FM GU KI MH NR MP PW UM"),
    "polynesia": (_("Polynesia"), "AS CK PF NU PN WS TK TO TV WF"),
}

REGION_OF: dict[str, str] = {
    code: slug for slug, (_name, codes) in REGIONS.items() for code in codes.split()
}


def region_of(country: str) -> str:
    """The region slug of an ISO alpha-2 code; an unmapped country is its own region ("XX")."""
    return REGION_OF.get(country, country)


def region_name(region: str) -> str:
    """The readable name of a region slug (or the country's name for a country-region)."""
    if region in REGIONS:
        return str(REGIONS[region][0])
    from nscap.core.templatetags.nscap_ui import country_name

    return str(country_name(region))
