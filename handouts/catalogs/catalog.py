"""A locale's catalog, loaded from an explicit locales folder and checked by the rules.

A broken catalog raises CatalogError naming the file and line; the caller keeps building the
other locales. The error rules run on every load, so a message they reject falls back to
English (visibly) and the build fails that locale's documents with the rule's words.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog

from ..sources import catalog_path
from . import rules
from .definitions import DEFINITION_FILE
from .glossary import Glossary, load_glossary, load_locale_glossary
from .locales import SOURCE_LOCALE, LocaleDefinitionError, LocaleError, LocaleInfo, locale_info
from .po import (
    ERROR,
    STATUS_REVIEWED,
    CatalogError,
    CatalogIssue,
    ReviewStatus,
    header_line,
    read_catalog_file,
)
from .translator import Translator


@dataclass
class LocaleCatalog:
    """One locale's catalog, validated, ready to translate templates."""
    locale: LocaleInfo
    path: Path | None
    catalog: Catalog
    status: ReviewStatus
    #: What the error rules found: these messages print in English.
    issues: list[CatalogIssue] = field(default_factory=list)

    def translator(self) -> Translator:
        return Translator(self)

    @property
    def errors(self) -> list[CatalogIssue]:
        return [issue for issue in self.issues if issue.severity == ERROR]


def source_catalog() -> LocaleCatalog:
    """The English source: no file, every message printed as written in the templates."""
    return LocaleCatalog(locale_info(SOURCE_LOCALE), None, Catalog(locale=SOURCE_LOCALE),
                         ReviewStatus(status=STATUS_REVIEWED, reviewed_by="source text",
                                      reviewed_on="-"))


def load(locale_code: str, locales_dir: Path) -> LocaleCatalog:
    """A locale's validated catalog from locales_dir; the source locale needs no file."""
    try:
        info = locale_info(locale_code, locales_dir)
    except LocaleDefinitionError as exc:  # its locale.toml is broken: name that file's line
        raise CatalogError.at(exc.path, exc.line, exc.problem) from None
    except LocaleError as exc:  # a catalog folder named with a code CLDR does not know
        path = catalog_path(locales_dir, locale_code)
        if path.exists():
            raise CatalogError.at(path, header_line(path, "Language"), f"{exc}; the folder "
                                  "name must be a CLDR locale code such as es or pt_BR, or "
                                  f"the folder must have a {DEFINITION_FILE}") from None
        raise
    if locale_code == SOURCE_LOCALE:
        return source_catalog()
    path = catalog_path(locales_dir, locale_code)
    if not path.exists():
        problem = (f"no catalog for locale {locale_code!r} (start one with "
                   f"`python build_pdf.py catalog init {locale_code}`)")
        raise CatalogError(f"{path}: {problem}", path, 0, problem)
    catalog = read_catalog_file(path, locale_code)
    status = ReviewStatus.from_header(catalog.header_comment)
    issues = rules.run(rules.Subject(catalog, path, locale_code, status,
                                       plural_rule=info.plural_rule,
                                       plural_origin=info.plural_source),
                       severities=(ERROR,))
    return LocaleCatalog(info, path, catalog, status, issues)


def available_locales(locales_dir: Path) -> list[str]:
    """Every locale with a catalog, source locale first, then sorted by code."""
    found = sorted(p.parent.parent.name for p in locales_dir.glob("*/LC_MESSAGES/messages.po"))
    return [SOURCE_LOCALE] + [code for code in found if code != SOURCE_LOCALE]


WANTED_FILE = "wanted.toml"


def wanted_locales(locales_dir: Path) -> list[str]:
    """Languages asked for with no catalog yet: 'translation wanted', never built. They are
    those with a locale.toml (CLDR does not know them) and the CLDR codes in wanted.toml."""
    defined = {p.parent.name for p in locales_dir.glob(f"*/{DEFINITION_FILE}")}
    return sorted(code for code in defined | set(listed_wanted(locales_dir))
                  if not catalog_path(locales_dir, code).exists())


def listed_wanted(locales_dir: Path) -> list[str]:
    """The codes of locales/wanted.toml (raises CatalogError naming the file when broken)."""
    path = locales_dir / WANTED_FILE
    if not path.exists():
        return []
    try:
        codes = tomllib.loads(path.read_text(encoding="utf-8")).get("codes", [])
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise CatalogError(f"{path}: cannot read: {exc}", path, 0, str(exc)) from None
    if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
        raise CatalogError(f"{path}: codes must be a list of locale codes", path, 0,
                           "codes must be a list of locale codes")
    return codes


def check_catalog(code: str, locales_dir: Path, *, template: Catalog | None = None,
                  glossary: Glossary | None = None) -> list[CatalogIssue]:
    """Every finding of every rule for one locale, sorted by line. Never raises."""
    try:
        loaded = load(code, locales_dir)
    except CatalogError as exc:
        return [CatalogIssue(exc.path or locales_dir / code, exc.line, "", exc.problem, ERROR,
                             "file")]
    except LocaleError as exc:
        return [CatalogIssue(locales_dir / code, 0, "", str(exc), ERROR, "locale")]
    if loaded.path is None:  # the source locale has no catalog
        return []
    local = load_locale_glossary(code, glossary, locales_dir) if glossary else None
    subject = rules.Subject(loaded.catalog, loaded.path, code, loaded.status,
                            template=template, glossary=glossary, local_glossary=local,
                            plural_rule=loaded.locale.plural_rule,
                            plural_origin=loaded.locale.plural_source)
    issues = rules.run(subject) + (local.issues if local else [])
    return sorted(issues, key=lambda i: (str(i.path), i.line, i.severity != ERROR))


def check_catalogs(codes: list[str], locales_dir: Path) -> dict[str, list[CatalogIssue]]:
    """Findings per locale; the template and glossary are read once, problems with them too."""
    pot_path, glossary_path = locales_dir / "messages.pot", locales_dir / "glossary.toml"
    shared: list[CatalogIssue] = []
    template = glossary = None
    if pot_path.exists():
        try:
            template = read_catalog_file(pot_path)
        except CatalogError as exc:
            shared.append(CatalogIssue(pot_path, exc.line, "", exc.problem, ERROR, "syntax"))
    if glossary_path.exists():
        try:
            glossary = load_glossary(glossary_path)
        except CatalogError as exc:
            shared.append(CatalogIssue(glossary_path, exc.line, "", exc.problem, ERROR,
                                       "glossary"))
    results = {"": shared} if shared else {}
    for code in codes:
        if code != SOURCE_LOCALE:
            results[code] = check_catalog(code, locales_dir, template=template, glossary=glossary)
    return results
