"""One rule for place names: every catalog writes them as the English does, in Latin letters.

Readers match them against signs, court papers and ICE's list of agencies (TRANSLATING.md).
"""

from __future__ import annotations

import re

import pytest

from handouts import catalogs
from tests.conftest import LOCALES

#: The U.S. place names the English messages use.
PLACE_NAMES = ("Maricopa County", "Alamance", "Arizona", "North Carolina", "Florida")

SHIPPED = sorted(p.name for p in LOCALES.iterdir() if (p / "LC_MESSAGES").is_dir())


def place_name_problems(msgid: str, msgstr: str) -> list[str]:
    """The place names of the English that the translation does not write as they are."""
    return [name for name in PLACE_NAMES
            if re.search(rf"\b{name}\b", msgid) and name not in msgstr]


@pytest.mark.parametrize("code", SHIPPED)
def test_place_names_stay_in_english(code):
    catalog = catalogs.load(code, LOCALES).catalog
    problems = {message.id[:40]: place_name_problems(message.id, message.string)
                for message in catalog
                if message.id and isinstance(message.id, str) and message.string}
    assert not {msgid: names for msgid, names in problems.items() if names}


def test_a_transliterated_place_name_is_caught():
    english = "A detainer asks a jail… some states, such as Florida, require jails to comply."
    assert place_name_problems(english, "…بعض الولايات، مثل فلوريدا، السجون…") == ["Florida"]
    assert place_name_problems(english, "…بعض الولايات، مثل Florida، السجون…") == []
