"""A publication's language coverage: which of the region's languages it is available in.

The region's languages are decided here and nowhere else: English, the group's working
language, and the official languages of the CBSS member states. Russian and Ukrainian
editions are shown where they exist, but a work is not "missing" them.
"""

from dataclasses import dataclass

from carportal.models import Language

# The member states (Country.Membership.MEMBER in fixtures/seed.json) by ISO 3166 code, with
# their official languages. A test holds this to the fixture, so a change of membership there
# shows up here.
MEMBER_STATE_LANGUAGES = {
    "de": [Language.DE],
    "dk": [Language.DA],
    "ee": [Language.ET],
    "fi": [Language.FI, Language.SV],
    "is": [Language.IS],
    "lt": [Language.LT],
    "lv": [Language.LV],
    "no": [Language.NO],
    "pl": [Language.PL],
    "se": [Language.SV],
}

_REGION = {Language.EN}.union(*MEMBER_STATE_LANGUAGES.values())

# Every language in the order of Language (English first, then by code), as lists show them.
_ORDER = list(Language)
REGION_LANGUAGES = [language for language in _ORDER if language in _REGION]


@dataclass(frozen=True)
class Coverage:
    available: list  # every language it has an edition in, the region's or not
    missing: list  # the region's languages it has none in

    @property
    def cells(self):
        """(language, whether it is available) for each of the region's languages."""
        return [(language, language not in self.missing) for language in REGION_LANGUAGES]

    @property
    def others(self):
        """The languages it is available in beyond the region's (Russian, Ukrainian)."""
        return [language for language in self.available if language not in REGION_LANGUAGES]

    @property
    def region_count(self):
        """How many of the region's languages it is available in."""
        return len(REGION_LANGUAGES) - len(self.missing)


def coverage_of(languages):
    """The coverage of a work with editions in `languages` (codes, in any order)."""
    have = set(languages)
    return Coverage(
        available=[language for language in _ORDER if language in have],
        missing=[language for language in REGION_LANGUAGES if language not in have],
    )
