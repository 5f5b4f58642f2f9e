"""Reading .po files with Babel, and the shape every catalog problem is reported in.

A file that cannot be read raises CatalogError as 'FILE:LINE: problem' (the form editors and CI
logs link); everything else about a catalog is a CatalogIssue found by the rules (rules.py).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.pofile import PoFileError, denormalize, read_po

from .. import markup

MAX_CATALOG_BYTES = 2_000_000
ERROR, WARNING = "error", "warning"
STATUS_UNREVIEWED = "unreviewed"
STATUS_REVIEWED = "reviewed"
_HEADER_FIELD_RE = re.compile(r"^#?[ \t]*(Review-Status|Drafted-By|Second-Read-By|Reviewed-By|"
                              r"Reviewed-On)[ \t]*:[ \t]*(.*)$", re.MULTILINE)



@dataclass(frozen=True)
class ReviewStatus:
    """A catalog's honest translation status, kept in its header comment."""
    status: str = STATUS_UNREVIEWED
    drafted_by: str = ""
    second_read_by: str = ""
    reviewed_by: str = ""
    reviewed_on: str = ""

    @property
    def reviewed(self) -> bool:
        return self.status == STATUS_REVIEWED and bool(self.reviewed_by and self.reviewed_on)

    @property
    def label(self) -> str:
        if self.reviewed:
            return f"reviewed by {self.reviewed_by} on {self.reviewed_on}"
        return "drafted without a fluent human reviewer"

    @classmethod
    def from_header(cls, header_comment: str) -> "ReviewStatus":
        fields = {k.lower().replace("-", "_"): v.strip()
                  for k, v in _HEADER_FIELD_RE.findall(header_comment or "")}
        status = fields.pop("review_status", STATUS_UNREVIEWED) or STATUS_UNREVIEWED
        return cls(status=status.lower(), **fields)


class CatalogError(Exception):
    """A catalog that cannot be read at all; str() is 'FILE:LINE: problem'."""

    def __init__(self, message: str, path: Path | None = None, line: int = 0,
                 problem: str = ""):
        super().__init__(markup.one_line(message))  # untrusted text never breaks the line
        self.path, self.line, self.problem = path, line, markup.one_line(problem or message)

    @classmethod
    def at(cls, path: Path, line: int, problem: str) -> "CatalogError":
        return cls(f"{path}:{line}: {problem}", path, line, problem)


@dataclass(frozen=True)
class CatalogIssue:
    path: Path | None
    line: int
    msgid: str
    problem: str
    severity: str = ERROR  # or WARNING
    kind: str = ""           # the rule that found it, e.g. "placeholder" (rules.py)

    def __str__(self) -> str:
        """'FILE:LINE: error: msgid "...": problem', the form editors and CI logs link."""
        line = f":{self.line}" if self.line > 0 else ""  # no line: the file is missing
        where = f"{shown_path(self.path)}{line}: {self.severity}: "
        return markup.one_line(where + (f"msgid {quote_msgid(self.msgid)}: " if self.msgid
                                        else "") + self.problem)


def shown_path(path: Path | str | None) -> str:
    """A path as a person in the project folder would type it (absolute when outside)."""
    if path is None:
        return "-"
    resolved = Path(path).resolve()
    here = Path.cwd()
    return str(resolved.relative_to(here)) if resolved.is_relative_to(here) else str(path)


def quote_msgid(msgid: str, limit: int = 60) -> str:
    """A msgid as a PO file writes it, shortened: "Key takeaways"."""
    short = msgid if len(msgid) <= limit else msgid[:limit - 1] + "…"
    return markup.one_line('"' + short.replace("\\", "\\\\").replace('"', '\\"')
                           .replace("\n", "\\n") + '"')



def ids_of(message: Any) -> tuple[str, ...]:
    """The English singular (and plural) of a Babel message (Babel types these loosely)."""
    return tuple(message.id) if isinstance(message.id, (tuple, list)) else (message.id,)


def strings_of(message: Any) -> tuple[str, ...]:
    """Its translations, one per plural form ("" where empty)."""
    strings = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
    return tuple(text or "" for text in strings)


def msgid_of(message: Any) -> str:
    return ids_of(message)[0]


def is_translated(message: Any) -> bool:
    strings = strings_of(message)
    return bool(strings) and all(strings)


def header_line(path: Path | None, field_name: str) -> int:
    """The line of a header field such as Plural-Forms, so reports point at it (else line 1)."""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines() if path else []
    except OSError:
        return 1
    return next((n for n, line in enumerate(lines, 1)
                 if line.lstrip('"').startswith(f"{field_name}:")), 1)


_PO_STRING = r'"(?:[^"\\]|\\.)*"'
_PO_LINE_RE = re.compile(
    rf'^(?:(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)[ \t]+)?({_PO_STRING})[ \t]*$')
_PO_KEYWORD_RE = re.compile(r"^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\b")
_PO_ESCAPES = set('\\"ntr')


def po_syntax_problem(text: str) -> tuple[int, str] | None:
    """The first line Babel would misread or silently change, with why (1-based line).

    Babel's parser drops the last character of an unterminated string and keeps unknown
    escapes; msgfmt and Weblate reject both, so this project does too. Duplicate msgids
    (which Babel merges silently) are reported with the line of the first definition.
    """
    first_seen: dict[tuple[str, str], int] = {}
    keyword, context, msgid, msgid_line = "", "", "", 0
    for number, raw in enumerate(text.split("\n"), 1):  # lines as Babel and editors count them
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = _PO_LINE_RE.match(line)
        if not match:
            if _PO_KEYWORD_RE.match(line) or line.startswith('"'):
                return number, ('string not closed, or a " inside it not written as \\": '
                                f"{line[:70]!r}")
            return number, ("not a PO line (expected msgid, msgstr, a quoted string or #): "
                            f"{line[:70]!r}")
        value = match[2][1:-1]
        if bad := [c for c in re.findall(r"\\(.)", value) if c not in _PO_ESCAPES]:
            return number, f"unknown escape \\{bad[0]} (write \\\\ for a backslash): {line[:70]!r}"
        if not match[1]:  # a continuation line adds to the keyword above it
            context, msgid = ((context + value, msgid) if keyword == "msgctxt" else
                              (context, msgid + value) if keyword == "msgid" else (context, msgid))
            continue
        if keyword == "msgid" and match[1] != "msgid" and msgid:
            if (context, msgid) in first_seen:
                return msgid_line, (f"duplicate msgid (first defined on line "
                                    f"{first_seen[context, msgid]})")
            first_seen[context, msgid] = msgid_line
        if keyword.startswith("msgstr") and match[1] in ("msgctxt", "msgid"):
            context = ""  # a new entry begins
        keyword = match[1]
        if keyword == "msgctxt":
            context = value
        elif keyword == "msgid":
            msgid, msgid_line = value, number
    return None


def restore_previous_ids(catalog: Catalog) -> Catalog:
    """Babel reads `#| msgid "..."` (the English before it changed) as a translator comment,
    and would write it back as `# | ...`; make it the message's previous_id again."""
    for message in catalog:
        previous = [c[1:].strip() for c in message.user_comments if c.startswith("|")]
        if not previous:
            continue
        message.user_comments = [c for c in message.user_comments if not c.startswith("|")]
        parts: dict[str, list[str]] = {"msgid": [], "msgid_plural": []}
        current = None
        for line in previous:
            keyword, _, rest = line.partition(" ")
            if keyword in parts:
                current = keyword
                parts[current].append(rest.strip())
            elif current and line.startswith('"'):
                parts[current].append(line)
        message.previous_id = [denormalize("\n".join(v)) for v in parts.values() if v]
    return catalog


def read_catalog_file(path: Path, locale_code: str | None = None) -> Catalog:
    """Parse a .po file with Babel, turning every failure into 'FILE:LINE: problem'."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CatalogError(f"{path}: cannot read: {exc.strerror}", path, 0,
                           f"cannot read: {exc.strerror}") from None
    if len(data) > MAX_CATALOG_BYTES:
        raise CatalogError.at(path, 1, f"catalog is {len(data):,} bytes; the limit is "
                              f"{MAX_CATALOG_BYTES:,}")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise CatalogError.at(path, line, f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); "
                              "save the file as UTF-8") from None
    if "\x00" in text:  # gettext's .mo format separates plural forms with NUL: it would crash
        raise CatalogError.at(path, text.count("\n", 0, text.index("\x00")) + 1,
                              "contains a NUL character (U+0000); remove it")
    if problem := po_syntax_problem(text):
        raise CatalogError.at(path, problem[0], f"broken PO syntax: {problem[1]}")
    try:
        catalog = read_po(io.BytesIO(data), locale=locale_code, abort_invalid=True,
                          charset="utf-8")
        return restore_previous_ids(catalog)
    except PoFileError as exc:  # Babel counts lines from 0 and appends " on N" to the message
        reason = str(exc).removesuffix(f" on {exc.lineno}")
        raise CatalogError.at(path, exc.lineno + 1, f"broken PO syntax: {reason}: "
                              f"{exc.line.strip()!r}" if exc.line.strip() else
                              f"broken PO syntax: {reason}") from None
    except Exception as exc:  # Babel raises plain errors on some malformed input
        raise CatalogError.at(path, 1, f"cannot parse catalog: {exc}") from None


