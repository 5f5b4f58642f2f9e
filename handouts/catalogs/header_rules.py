"""The catalog rules: the header entry, the review record, the catalog as a whole.

Each yields (line, problem); rules.py lists them in RULES with their severity. A header problem
points at the header's own line and says the exact line to write, in PO syntax.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from babel import Locale, UnknownLocaleError

from . import plurals, project
from .po import STATUS_REVIEWED, STATUS_UNREVIEWED, msgid_of, quote_msgid
from .subject import Subject


def header_to_paste(name: str, value: str) -> str:
    """A header line as it is written in a .po file: "Plural-Forms: nplurals=1; plural=(0);\\n"."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{name}: {escaped}\\n"'


def plural_forms_header(subject: Subject) -> Iterator[tuple[int, str]]:
    """Plural-Forms must agree with CLDR on every whole number (plurals.accepts)."""
    reference, catalog = subject.plural, subject.catalog
    if reference is None:
        yield (subject.header_fields.get("Plural-Forms", 1),
               f"no CLDR plural rule for {subject.code!r}, so its Plural-Forms cannot be "
               "checked: state the locale's rule (see TRANSLATING.md)")
        return
    paste = header_to_paste("Plural-Forms", reference.header)
    where = f"{subject.plural_origin} for {subject.code} says {reference.header!r} " \
            f"(forms: {', '.join(reference.categories)})"
    line = subject.header_fields.get("Plural-Forms")
    if line is None:
        yield (subject.line_of('msgstr ""'),
               f"no Plural-Forms header: gettext cannot choose a plural form without it; "
               f"{where}: add the header line {paste}")
        return
    wrong = plurals.accepts(catalog.num_plurals, catalog.plural_expr,
                            subject.plural_source)
    if wrong is None:
        return
    if catalog.num_plurals != reference.nplurals:
        yield line, (f"header Plural-Forms gives nplurals={catalog.num_plurals}; {where}: "
                     f"replace the header with {paste}")
    else:
        want = reference.index(wrong)
        yield line, (f"header Plural-Forms puts n = {wrong} in msgstr["
                     f"{_form_of(catalog.plural_expr, wrong)}], CLDR in msgstr[{want}] "
                     f"(\"{reference.categories[want]}\"); {where}: replace the header with "
                     f"{paste}")


def _form_of(expression: str, n: int) -> str:
    try:
        return str(plurals.GettextPlural((), expression).index(n))
    except (ValueError, ArithmeticError, TypeError):
        return "?"


def language_header(subject: Subject) -> Iterator[tuple[int, str]]:
    if "Language" not in subject.header_fields:
        yield subject.line_of('msgstr ""'), (
            "no Language header: Weblate, Poedit and msgfmt read the language from it; add "
            f"the header line {header_to_paste('Language', subject.code)}")
        return
    declared = dict(subject.catalog.mime_headers).get("Language", "")
    try:
        same = Locale.parse(declared.replace("-", "_")) == Locale.parse(subject.code)
    except (UnknownLocaleError, ValueError):  # a code CLDR does not know (it has a locale.toml)
        same = declared.replace("-", "_") == subject.code
    if not same:
        yield (subject.header_fields["Language"], f"header says Language: {declared}, but the "
               f"catalog is in locales/{subject.code}/")


def project_version_header(subject: Subject) -> Iterator[tuple[int, str]]:
    """Project-Id-Version comes from pyproject.toml (`catalog update` writes it)."""
    want = project.project_id_version()
    have = subject.catalog.project and f"{subject.catalog.project} {subject.catalog.version}"
    if have != want:
        yield (subject.header_fields.get("Project-Id-Version", 1),
               f"Project-Id-Version is {have or '(none)'!r}, the project is {want!r} "
               "(pyproject.toml): run `python build_pdf.py catalog update`")


def bugs_header(subject: Subject) -> Iterator[tuple[int, str]]:
    """Report-Msgid-Bugs-To says where to report a problem in the English (TRANSLATING.md)."""
    have, want = subject.catalog.msgid_bugs_address or "", project.bugs_address()
    if have != want:
        why = "a placeholder" if project.is_placeholder(have) else "not the project's"
        yield (subject.header_fields.get("Report-Msgid-Bugs-To", 1),
               f"Report-Msgid-Bugs-To {have!r} is {why}: run `python build_pdf.py catalog "
               f"update`, or write {header_to_paste('Report-Msgid-Bugs-To', want)}")


def review_signoff(subject: Subject) -> Iterator[tuple[int, str]]:
    """'reviewed' without a name and a date would still print 'unchecked': say so."""
    status = subject.status
    if _has_review_line(subject) and status.status == STATUS_REVIEWED and not status.reviewed:
        missing = [n for n, v in (("Reviewed-By", status.reviewed_by),
                                  ("Reviewed-On", status.reviewed_on)) if not v]
        yield (subject.line_of("Review-Status"),
               f"Review-Status is 'reviewed' but {' and '.join(missing)} "
               f"{'are' if len(missing) > 1 else 'is'} empty, so the handout still says the "
               "translation is unchecked: sign off with a name and a date")


def _has_review_line(subject: Subject) -> bool:
    return bool(re.search(r"^#[ \t]*Review-Status[ \t]*:", subject.catalog.header_comment or "",
                          re.MULTILINE))


def review_header(subject: Subject) -> Iterator[tuple[int, str]]:
    status = subject.status
    if not _has_review_line(subject):
        yield 1, ("no '# Review-Status:' line in the header comment; add the review lines "
                  "(see TRANSLATING.md, 'Review and sign-off')")
    elif status.status not in (STATUS_UNREVIEWED, STATUS_REVIEWED):
        yield (subject.line_of("Review-Status"), f"Review-Status is {status.status!r}; it "
               "must be 'unreviewed' or 'reviewed'")
    if status.reviewed_on:
        try:
            dt.date.fromisoformat(status.reviewed_on)
        except ValueError:
            yield (subject.line_of("Reviewed-On"), f"Reviewed-On {status.reviewed_on!r} is "
                   "not a date like 2026-11-29")


def missing_from_catalog(subject: Subject) -> Iterator[tuple[int, str]]:
    if subject.template is None:
        return
    missing = [m for m in subject.template if m.id and m.id not in subject.catalog]
    if missing:
        first = msgid_of(missing[0])
        yield 1, (f"{len(missing)} message(s) of messages.pot are not in this catalog yet "
                  f"(first: {quote_msgid(first)}); run `python build_pdf.py catalog update`")


def glossary_file(subject: Subject) -> Iterator[tuple[int, str]]:
    if subject.glossary is not None and subject.local_glossary is not None \
            and not subject.local_glossary.exists:
        yield 1, ("no glossary for this locale, so terms are not checked: create it (see "
                  "GLOSSARY.md)")
