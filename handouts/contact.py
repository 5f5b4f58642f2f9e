"""An organization's contact details: untrusted TOML, validated into plain text.

Values are never markup: templates autoescape them. Phone numbers go through `phonenumbers`
so they are valid and displayed the way readers expect.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path

import phonenumbers

MAX_CONTACT_BYTES = 64_000
MAX_VALUE_CHARS = 300
QR_TARGETS = ("website", "whatsapp", "download", "none")

_EMAIL_RE = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[A-Za-z]{2,}$")
_WEBSITE_RE = re.compile(r"^(?:https?://)?[A-Za-z0-9.-]+\.[A-Za-z]{2,}(?::\d+)?(?:/[^\s<>\"']*)?$")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


class ContactError(ValueError):
    """A contact file that cannot be used; str() names the file and, where known, the line."""


@dataclass(frozen=True)
class Contact:
    name: str = ""
    phone: str = ""           # display form, e.g. (972) 656-0560
    phone_e164: str = ""      # for tel: links and QR codes
    whatsapp: str = ""
    whatsapp_e164: str = ""
    email: str = ""
    website: str = ""         # display form, without scheme
    website_url: str = ""     # https://...
    address: str = ""
    hours: str = ""
    free_advice: bool = False
    consultation_minutes: int = 0
    region: str = "US"
    qr: str = "website"

    @property
    def display_name(self) -> str:
        return self.name or self.phone or self.website

    @property
    def qr_target(self) -> str:
        """What the QR code encodes, or '' when there is nothing to point at."""
        if self.qr == "website":
            return self.website_url
        if self.qr == "whatsapp" and self.whatsapp_e164:
            return "https://wa.me/" + self.whatsapp_e164.lstrip("+")
        return ""


_SETTABLE = {
    "name": str, "phone": str, "whatsapp": str, "email": str, "website": str, "address": str,
    "hours": str, "free_advice": bool, "consultation_minutes": int, "region": str, "qr": str,
}


def load_contact(path: Path) -> Contact:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ContactError(f"{path}: cannot read contact file: {exc.strerror}") from None
    if len(data) > MAX_CONTACT_BYTES:
        raise ContactError(f"{path}: contact file is {len(data):,} bytes; the limit is "
                           f"{MAX_CONTACT_BYTES:,}")
    try:
        raw = tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise ContactError(f"{path}:{line}: not valid UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        raise ContactError(f"{path}: invalid TOML: {exc}") from None
    return parse_contact(raw, str(path))


def parse_contact(raw: dict, source: str = "contact") -> Contact:
    """Validate a contact mapping; every problem found is reported at once."""
    problems = []
    unknown = sorted(set(raw) - set(_SETTABLE))
    if unknown:
        problems.append(f"unknown key{'s' if len(unknown) > 1 else ''} {', '.join(unknown)} "
                        f"(allowed: {', '.join(_SETTABLE)})")
    values = {}
    for key, kind in _SETTABLE.items():
        if key not in raw:
            continue
        value = raw[key]
        if kind is int and isinstance(value, bool) or not isinstance(value, kind):
            problems.append(f"{key} must be {'a number' if kind is int else kind.__name__}, "
                            f"not {type(value).__name__}")
            continue
        if kind is str:
            value = " ".join(value.split())
            if len(value) > MAX_VALUE_CHARS:
                problems.append(f"{key} is {len(value)} characters; the limit is {MAX_VALUE_CHARS}")
                continue
            if _CONTROL_RE.search(value):
                problems.append(f"{key} contains control or bidi-override characters")
                continue
        values[key] = value
    region = values.get("region", "US").upper()
    values["region"] = region

    for key in ("phone", "whatsapp"):
        if values.get(key):
            try:
                number = phonenumbers.parse(values[key], region)
            except phonenumbers.NumberParseException as exc:
                problems.append(f"{key} {values[key]!r} is not a phone number ({exc})")
                continue
            if not phonenumbers.is_valid_number(number):
                problems.append(f"{key} {values[key]!r} is not a valid phone number for "
                                f"region {region} (add a +country code if it is abroad)")
                continue
            national = phonenumbers.region_code_for_number(number) == region
            style = (phonenumbers.PhoneNumberFormat.NATIONAL if national
                     else phonenumbers.PhoneNumberFormat.INTERNATIONAL)
            values[key] = phonenumbers.format_number(number, style)
            values[key + "_e164"] = phonenumbers.format_number(
                number, phonenumbers.PhoneNumberFormat.E164)
    if values.get("email") and not _EMAIL_RE.match(values["email"]):
        problems.append(f"email {values['email']!r} is not an email address")
    if values.get("website"):
        site = values["website"]
        if not _WEBSITE_RE.match(site):
            problems.append(f"website {site!r} is not a web address (example: example.org/help)")
        else:
            values["website"] = re.sub(r"^https?://", "", site).rstrip("/")
            values["website_url"] = site if re.match(r"^https?://", site) else "https://" + site
    minutes = values.get("consultation_minutes", 0)
    if not 0 <= minutes <= 600:
        problems.append("consultation_minutes must be between 0 and 600")
    if values.get("qr", "website") not in QR_TARGETS:
        problems.append(f"qr must be one of {', '.join(QR_TARGETS)}")
    if not (raw.get("phone") or raw.get("website")):
        problems.append("a phone or a website is required, so readers can reach you")
    if problems:
        raise ContactError(f"{source}: " + "; ".join(problems))
    known = {f.name for f in fields(Contact)}
    return Contact(**{k: v for k, v in values.items() if k in known})
