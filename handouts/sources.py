"""Every input of a build in one frozen value, handed to each stage: none opens a folder itself.

The wheel ships the design card's top-level folders inside the package (pyproject.toml maps
templates/, locales/ and contacts/ to handouts/templates, ...); a checkout keeps them beside
the package. `shipped()` finds them with importlib.resources in either case, and `Sources`
records which folders a build read, so manifest.json can name them and `site` can read them
again.
"""

from __future__ import annotations

import importlib.resources
from dataclasses import asdict, dataclass
from pathlib import Path

from .contact import Contact, load_contact

#: The folders the package ships, as named at the top of the repository.
SHIPPED = ("templates", "locales", "contacts")
DEFAULT_CONTACT = "default.toml"


def shipped(name: str) -> Path:
    """A shipped folder: inside the installed package, else beside it (a source checkout)."""
    if name not in SHIPPED:
        raise ValueError(f"{name!r} is not a shipped folder ({', '.join(SHIPPED)})")
    inside = importlib.resources.files("handouts") / name
    if inside.is_dir():
        return Path(str(inside))
    return Path(__file__).resolve().parent.parent / name


def default_contact_file() -> Path:
    return shipped("contacts") / DEFAULT_CONTACT


def catalog_path(locales_dir: Path, locale_code: str) -> Path:
    """The Weblate/gettext layout: <locale>/LC_MESSAGES/messages.po."""
    return locales_dir / locale_code / "LC_MESSAGES" / "messages.po"


@dataclass(frozen=True)
class Sources:
    """What a document is made from: template and catalog folders, contact details, options."""
    templates: Path
    locales: Path
    contact: Contact
    print_shop: bool = False
    #: A message that falls back to English fails the document.
    strict: bool = False

    @classmethod
    def shipped(cls, *, templates: Path | None = None, locales: Path | None = None,
                contact: Contact | None = None, contact_file: Path | None = None,
                print_shop: bool = False, strict: bool = False) -> "Sources":
        """The shipped folders and contact file, each replaceable (raises ContactError)."""
        if contact is None:
            contact = load_contact(contact_file or default_contact_file())
        return cls(templates=Path(templates or shipped("templates")),
                   locales=Path(locales or shipped("locales")), contact=contact,
                   print_shop=print_shop, strict=strict)

    @property
    def site_templates(self) -> Path:
        """The download page's own templates (no PDF reads them)."""
        return self.templates / "site"

    @property
    def pot(self) -> Path:
        return self.locales / "messages.pot"

    @property
    def glossary(self) -> Path:
        return self.locales / "glossary.toml"

    def catalog(self, locale_code: str) -> Path:
        return catalog_path(self.locales, locale_code)

    def to_json(self) -> dict:
        """For manifest.json: absolute folders, so `site` reads the same ones later."""
        return {"templates": str(self.templates.resolve()),
                "locales": str(self.locales.resolve()), "contact": asdict(self.contact),
                "print_shop": self.print_shop, "strict": self.strict}

    @classmethod
    def from_json(cls, data: dict) -> "Sources":
        """The inverse of to_json; contact values pass Contact's own field types only."""
        return cls(templates=Path(data["templates"]), locales=Path(data["locales"]),
                   contact=Contact.from_values(data.get("contact")),
                   print_shop=bool(data.get("print_shop")),
                   strict=bool(data.get("strict")))
