"""Contact details are data: validated, formatted with phonenumbers, escaped as text."""

from __future__ import annotations

import pytest

from handouts import cli
from handouts.contact import ContactError, load_contact, parse_contact
from tests.conftest import PROJECT, page_text


def test_default_contact_is_the_articles():
    contact = load_contact(PROJECT / "contacts" / "default.toml")
    assert contact.phone == "(972) 656-0560"
    assert contact.free_advice and contact.consultation_minutes == 40


def test_example_org_file_is_valid():
    contact = load_contact(PROJECT / "contacts" / "example-org.toml")
    assert contact.name == "Example Immigrant Legal Aid"
    assert contact.whatsapp_e164 == "+12145550143"


def test_unknown_keys_rejected_by_name(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text('phone = "(972) 656-0560"\nfax = "1"\ncolour = "red"\n')
    with pytest.raises(ContactError) as err:
        load_contact(path)
    assert "unknown keys colour, fax" in str(err.value) and str(path) in str(err.value)


def test_phone_or_website_required():
    with pytest.raises(ContactError, match="a phone or a website is required"):
        parse_contact({"name": "Nobody"})


@pytest.mark.parametrize("bad", ["12", "call us", "+1 555"])
def test_bad_phone_rejected(bad):
    with pytest.raises(ContactError, match="phone"):
        parse_contact({"phone": bad})


def test_international_number_shown_internationally():
    contact = parse_contact({"phone": "+52 55 5555 1234", "region": "US"})
    assert contact.phone.startswith("+52")


def test_contact_values_reach_pdf_as_text(tmp_path):
    path = tmp_path / "org.toml"
    # Markup itself is refused (tests/test_hostile_input.py); what HTML cares about is printed.
    path.write_text('name = "Casa \\"Legal\\" & Friends <3"\nphone = "214-555-0199"\n'
                    'email = "info@casa.example.org"\nwebsite = "casa.example.org"\n'
                    'hours = "Mon-Fri 9-5"\n')
    out = tmp_path / "out"
    assert cli.main(["--locale", "es", "--paper", "a4", "--contact", str(path),
                     "--out", str(out)]) == 0
    text = " ".join(page_text(out / "es" / "287g-basics-a4.pdf").split())
    assert 'Casa "Legal" & Friends <3' in text   # escaped: shown, not interpreted
    assert "(214) 555-0199" in text
    assert "casa.example.org" in text and "Mon-Fri 9-5" in text


def test_broken_contact_stops_build_with_message(tmp_path, capsys):
    path = tmp_path / "broken.toml"
    path.write_text('phone = "(972) 656-0560"\nname = \n')
    assert cli.main(["--locale", "en", "--contact", str(path), "--out", str(tmp_path)]) == 2
    assert "invalid TOML" in capsys.readouterr().err


@pytest.mark.parametrize("character", ["\U000b5439", "\ue000", "\U0010ffff"])
def test_unassigned_or_private_characters_are_refused(character):
    """Found by the property test: no font draws them, so every language's PDF failed."""
    with pytest.raises(ContactError, match=f"name contains a character .*U\\+{ord(character):04X}"):
        parse_contact({"name": f"Aid {character}", "phone": "(214) 555-0142"})
