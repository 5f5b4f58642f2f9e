"""An organization's contact details: untrusted TOML, validated into plain text.

Values are never markup: templates autoescape them. Phone numbers go through `phonenumbers`
so they are valid and displayed the way readers expect.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import phonenumbers

from . import markup

MAX_CONTACT_BYTES = 64_000
MAX_VALUE_CHARS = 300
QR_TARGETS = ("website", "whatsapp", "download", "none")

_EMAIL_RE = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[A-Za-z]{2,}$")
_WEBSITE_RE = re.compile(r"^(?:https?://)?[A-Za-z0-9.-]+\.[A-Za-z]{2,}(?::\d+)?(?:/[^\s<>\"']*)?$")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
#: Where a key is set: `key =`, `"key" =` or a `[key]` table header (for FILE:LINE).
_KEY_LINE_RE = re.compile(r"""^[ \t]*\[*[ \t]*(?:"([^"\n]*)"|'([^'\n]*)'|([A-Za-z0-9_-]+))""")
_TOML_LINE_RE = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")


class ContactError(ValueError):
    """A contact file that cannot be used; str() names the file and, where known, the line."""

    def __init__(self, message: str):
        super().__init__(markup.one_line(message))  # untrusted text never breaks the line


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
    download_url: str = ""    # https://... of the download page, for qr = "download"

    @classmethod
    def from_values(cls, values: object) -> "Contact":
        """Values a build already validated (manifest.json): a key that is not a field, or a
        value not of its field's type, is dropped, so nothing else can reach a Contact."""
        if not isinstance(values, dict):
            return cls()
        kinds = {f.name: type(f.default) for f in fields(cls)}
        kept: dict[str, Any] = {k: v for k, v in values.items()
                                if k in kinds and type(v) is kinds[k]}
        return cls(**kept)

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
        if self.qr == "download":
            return self.download_url
        return ""


_SETTABLE = {
    "name": str, "phone": str, "whatsapp": str, "email": str, "website": str, "address": str,
    "hours": str, "free_advice": bool, "consultation_minutes": int, "region": str, "qr": str,
    "download_url": str,
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
        text = data.decode("utf-8")
        raw = tomllib.loads(text)
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise ContactError(f"{path}:{line}: not valid UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        where = _TOML_LINE_RE.search(str(exc))
        reason = _TOML_LINE_RE.sub("", str(exc))
        raise ContactError(f"{path}:{where[1]}: invalid TOML: {reason} (column {where[2]})"
                           if where else f"{path}: invalid TOML: {exc}") from None
    except RecursionError:  # tomllib recurses once per nesting level: [[[[...]]]]
        raise ContactError(f"{path}: invalid contact file: values nested too deeply") from None
    return parse_contact(raw, str(path), _key_lines(text))


def _key_lines(text: str) -> dict[str, int]:
    """The line where each key is first set, so problems can be reported as FILE:LINE."""
    lines: dict[str, int] = {}
    for number, line in enumerate(text.split("\n"), 1):  # as tomllib counts lines
        if (match := _KEY_LINE_RE.match(line)) and "=" in line or line.lstrip().startswith("["):
            key = next((g for g in match.groups() if g is not None), "") if match else ""
            lines.setdefault(key, number)
    return lines


def _located(source: str, problems: list[Problem], lines: dict[str, int]) -> str:
    """'FILE:LINE: first problem; second problem (line N)': one line, the first one linkable."""
    numbers = [lines.get(p.key, 0) for p in problems]
    head = f"{source}:{numbers[0]}: " if numbers[0] else f"{source}: "
    return head + "; ".join(p.message + (f" (line {n})" if n and i else "")
                            for i, (p, n) in enumerate(zip(problems, numbers, strict=True)))


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one key (for a form: shown beside that key's field)."""
    key: str
    message: str


def parse_contact(raw: dict, source: str = "contact",
                  lines: dict[str, int] | None = None) -> Contact:
    """Validate a contact mapping; every problem found is reported at once (on one line)."""
    contact, problems = validate_contact(raw)
    if problems or contact is None:
        raise ContactError(_located(source, problems, lines or {}))
    return contact


def validate_contact(raw: dict) -> tuple[Contact | None, list[Problem]]:
    """The contact, or every problem with its key: per-key rules first, then across keys."""
    problems: list[Problem] = []
    unknown = sorted(set(raw) - set(_SETTABLE))
    if unknown:
        shown = ", ".join(k if re.fullmatch(r"[\w-]{1,40}", k) else repr(k[:40])
                          for k in unknown[:5]) + (f" and {len(unknown) - 5} more"
                                                   if len(unknown) > 5 else "")
        problems.append(Problem(unknown[0], f"unknown key{'s' if len(unknown) > 1 else ''} "
                                f"{shown} (allowed: {', '.join(_SETTABLE)})"))
    values = {}
    for key, kind in _SETTABLE.items():
        if key not in raw:
            continue
        value = raw[key]
        if kind is int and isinstance(value, bool) or not isinstance(value, kind):
            problems.append(Problem(key, f"{key} must be "
                                    f"{'a number' if kind is int else kind.__name__}, "
                                    f"not {type(value).__name__}"))
            continue
        if isinstance(value, str):
            value = " ".join(value.split())
            if message := _text_problem(key, value):
                problems.append(Problem(key, message))
                continue
        values[key] = value
    region = values.get("region", "US").upper()
    values["region"] = region
    for key, check in _VALUE_RULES.items():
        if values.get(key) and (message := check(key, values)):
            problems.append(Problem(key, message))
            values.pop(key, None)
    for key, message in _cross_key_problems(raw, values):
        problems.append(Problem(key, message))
    if problems:
        return None, problems
    known = {f.name for f in fields(Contact)}
    return Contact(**{k: v for k, v in values.items() if k in known}), []


def _text_problem(key: str, value: str) -> str:
    if len(value) > MAX_VALUE_CHARS:
        return f"{key} is {len(value)} characters; the limit is {MAX_VALUE_CHARS}"
    if _CONTROL_RE.search(value):
        return f"{key} contains control or bidi-override characters"
    if unprintable := [c for c in value if unicodedata.category(c) in ("Cn", "Co", "Cs")]:
        # No font draws these: printed on every handout, they would fail every language.
        return (f"{key} contains a character Unicode does not assign or keeps private "
                f"(U+{ord(unprintable[0]):04X}), which no font prints")
    if not_text := markup.plain_text_problems(value):
        return f"{key} {not_text[0]}"
    return ""


def _phone(key: str, values: dict) -> str:
    """Parsed with phonenumbers; the display and E.164 forms replace what was typed."""
    region = values["region"]
    try:
        number = phonenumbers.parse(values[key], region)
    except phonenumbers.NumberParseException as exc:
        return f"{key} {values[key]!r} is not a phone number ({exc})"
    if not phonenumbers.is_valid_number(number):
        return (f"{key} {values[key]!r} is not a valid phone number for region {region} "
                "(add a +country code if it is abroad)")
    national = phonenumbers.region_code_for_number(number) == region
    style = (phonenumbers.PhoneNumberFormat.NATIONAL if national
             else phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    values[key] = phonenumbers.format_number(number, style)
    values[key + "_e164"] = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return ""


def _email(key: str, values: dict) -> str:
    return "" if _EMAIL_RE.match(values[key]) else f"email {values[key]!r} is not an email address"


def _website(key: str, values: dict) -> str:
    site = values[key]
    if not _WEBSITE_RE.match(site):
        return f"website {site!r} is not a web address (example: example.org/help)"
    values["website"] = re.sub(r"^https?://", "", site).rstrip("/")
    values["website_url"] = site if re.match(r"^https?://", site) else "https://" + site
    return ""


def _minutes(key: str, values: dict) -> str:
    return "" if 0 <= values[key] <= 600 else "consultation_minutes must be between 0 and 600"


def _qr(key: str, values: dict) -> str:
    return "" if values[key] in QR_TARGETS else f"qr must be one of {', '.join(QR_TARGETS)}"


def _download_url(key: str, values: dict) -> str:
    url = values[key]
    if re.match(r"^https?://", url) and _WEBSITE_RE.match(url):
        return ""
    return (f"download_url {url!r} is not a web address starting with https:// "
            "(example: https://example.org/287g/handouts)")


#: Per-key rules, run on values that passed their type and text checks. A rule may replace
#: the value with its normalized form (and set derived fields); it returns a problem or "".
_VALUE_RULES = {"phone": _phone, "whatsapp": _phone, "email": _email, "website": _website,
                "consultation_minutes": _minutes, "qr": _qr, "download_url": _download_url}


def _cross_key_problems(raw: dict, values: dict) -> list[tuple[str, str]]:
    """Rules that involve more than one key; each problem is reported at the key to change."""
    problems = []
    for target, needs in (("download", "download_url"), ("whatsapp", "whatsapp")):
        if values.get("qr") == target and not values.get(needs) and not raw.get(needs):
            problems.append(("qr", f'qr = "{target}" needs {needs} to be set '
                                    "(or choose another qr)"))
    if not (raw.get("phone") or raw.get("website")):
        problems.append(("phone", "a phone or a website is required, so readers can reach you"))
    return problems
