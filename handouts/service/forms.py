"""The pages' forms: posted fields in, validated values or errors per field out.

Validation is the contact module's own (the same rules as a contact file), so a form can
never make an edition the command line would refuse; each problem is shown beside its field,
and the values typed are kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .. import content
from ..catalogs import LocaleError, locale_info
from ..contact import Problem, validate_contact
from .editions import EditionRequest, contact_values

TEXT_FIELDS = ("name", "phone", "whatsapp", "email", "website", "address", "hours",
               "region", "download_url")
QR_CHOICES = ("website", "whatsapp", "download", "none")
MAX_UPLOAD_NAME = 80
_LOCALE_CODE_RE = re.compile(r"^[a-z]{2,3}(?:_[A-Z][a-z]{3})?(?:_[A-Z]{2}|_[0-9]{3})?$")


@dataclass
class Choice:
    value: str
    label: str
    lang: str = ""      # the label's own language (language names are in their language)
    dir: str = "ltr"
    english: str = ""   # the English name beside it, as on the download page


@dataclass
class EditionForm:
    values: dict[str, str] = field(default_factory=dict)
    locales: list[str] = field(default_factory=list)
    handouts: list[str] = field(default_factory=list)
    papers: list[str] = field(default_factory=list)
    print_shop: bool = False
    free_advice: bool = False
    preview_locale: str = ""
    errors: dict[str, list[str]] = field(default_factory=dict)

    def error(self, key: str, message: str) -> None:
        self.errors.setdefault(key, []).append(message)


def language_choices(codes: list[str]) -> list[Choice]:
    choices = []
    for code in codes:
        try:
            info = locale_info(code)
        except LocaleError:
            continue
        choices.append(Choice(code, info.native_name, info.tag, info.direction,
                              "" if code == "en" else info.english_name))
    return sorted(choices, key=lambda c: (c.value != "en", c.english))


def handout_choices() -> list[Choice]:
    return [Choice(h.name, h.description) for h in content.HANDOUTS.values()]


def paper_choices() -> list[Choice]:
    return [Choice(p.name, p.label) for p in content.PAPERS.values()]


def default_form(codes: list[str]) -> EditionForm:
    return EditionForm(values={"region": "US", "qr": "website", "consultation_minutes": ""},
                       locales=[c for c in ("en", "es") if c in codes],
                       handouts=["287g-basics"], papers=["letter"],
                       preview_locale="es" if "es" in codes else codes[0])


def parse_edition(form, codes: list[str], max_documents: int
                  ) -> tuple[EditionForm, EditionRequest | None]:
    """A posted edition form: the request, or the form again with an error per field."""
    parsed = EditionForm(values={k: str(form.get(k, ""))[:1000] for k in (*TEXT_FIELDS, "qr",
                                                                          "consultation_minutes")},
                         locales=[c for c in form.getlist("locale") if c in codes],
                         handouts=[h for h in form.getlist("handout") if h in content.HANDOUTS],
                         papers=[p for p in form.getlist("paper") if p in content.PAPERS],
                         print_shop=form.get("print_shop") == "on",
                         free_advice=form.get("free_advice") == "on",
                         preview_locale=str(form.get("preview_locale", "")))
    raw: dict[str, object] = {k: v.strip() for k, v in parsed.values.items()
                              if k in TEXT_FIELDS and v.strip()}
    raw["qr"] = parsed.values.get("qr") or "website"
    raw["free_advice"] = parsed.free_advice
    minutes = parsed.values.get("consultation_minutes", "").strip()
    if minutes:
        if minutes.isdigit() and len(minutes) < 5:
            raw["consultation_minutes"] = int(minutes)
        else:
            parsed.error("consultation_minutes", "Consultation minutes must be a whole number.")
    contact, problems = validate_contact(raw)
    for problem in problems:
        parsed.error(_field_of(problem), _plain(problem.message))
    if not parsed.locales:
        parsed.error("locale", "Choose at least one language.")
    if not parsed.handouts:
        parsed.error("handout", "Choose at least one handout.")
    if not parsed.papers:
        parsed.error("paper", "Choose at least one paper size.")
    if parsed.preview_locale not in codes:
        parsed.preview_locale = parsed.locales[0] if parsed.locales else codes[0]
    if parsed.errors or contact is None:
        return parsed, None
    request = EditionRequest(contact_values(contact), tuple(sorted(parsed.locales)),
                             tuple(h for h in content.HANDOUTS if h in parsed.handouts),
                             tuple(p for p in content.PAPERS if p in parsed.papers),
                             parsed.print_shop)
    if len(request.jobs()) > max_documents:
        parsed.error("locale", f"This edition would be {len(request.jobs())} documents; the "
                     f"limit is {max_documents}. Choose fewer languages, handouts or papers.")
        return parsed, None
    return parsed, request


def _field_of(problem: Problem) -> str:
    return problem.key if problem.key in (*TEXT_FIELDS, "qr", "consultation_minutes",
                                          "free_advice") else "name"


def _plain(message: str) -> str:
    """The contact module's words, as a sentence for a form."""
    for key in ("consultation_minutes", "download_url", "free_advice"):
        message = message.replace(key, key.replace("_", " "))
    return message[:1].upper() + message[1:] + ("" if message.endswith(".") else ".")


def upload_locale(requested: str, filename: str, text: str) -> str:
    """The locale an uploaded catalog is for: the form's choice, else its Language header."""
    code = requested.strip()
    if not code:
        match = re.search(r'^"Language: ([^\\"]+)\\n"', text, re.MULTILINE)
        code = match[1].strip() if match else ""
    code = code.replace("-", "_")
    return code if _LOCALE_CODE_RE.match(code) else ""


def upload_name(filename: str | None) -> str:
    """A name to show for an upload: its last path part, plain characters only."""
    name = (filename or "messages.po").replace("\\", "/").rsplit("/", 1)[-1]
    name = re.sub(r"[^A-Za-z0-9_.-]", "_", name)[:MAX_UPLOAD_NAME]
    return name or "messages.po"
