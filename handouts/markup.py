"""Translations are text. The only markup a message may carry is the inline markup of its
English msgid, from a small allowed set; everything else is escaped.

Used by the catalog checks (to report) and by rendering (to enforce), so both agree.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

ALLOWED_TAGS = ("strong", "em", "bdi")

TAG_RE = re.compile(r"<\s*(/?)\s*([A-Za-z][A-Za-z0-9-]*)([^>]*)>")
PLACEHOLDER_RE = re.compile(r"%\((\w+)\)[sd]|\{(\w+)\}")
URL_RE = re.compile(r"\b(?:https?://\S+|[\w-]+(?:\.[\w-]+)*\.(?:gov|org|com|net|edu)(?:/[\w./-]*)?)",
                    re.IGNORECASE)
PHONE_RE = re.compile(r"\+?\(?\d{3}\)?[ .-]\d{3}[ .-]\d{4}")
CSS_URL_RE = re.compile(r"url\s*\(|@import|expression\s*\(", re.IGNORECASE)


def tags(text: str) -> list[str]:
    """The tag sequence of a message, normalized: ['<strong>', '</strong>']."""
    return [f"<{m[1]}{m[2].lower()}{m[3]}>" for m in TAG_RE.finditer(text)]


def markup_problems(msgid: str, translation: str) -> list[str]:
    """Why a translation's markup is not allowed; empty when it is."""
    problems = []
    for tag in TAG_RE.finditer(translation):
        name = tag[2].lower()
        if name not in ALLOWED_TAGS:
            problems.append(f"tag <{name}> is not allowed (allowed: "
                            f"{', '.join(ALLOWED_TAGS)})")
        elif tag[3].strip():
            problems.append(f"attributes are not allowed on <{name}>: {tag[3].strip()!r}")
    if CSS_URL_RE.search(translation):
        problems.append("CSS url(), @import or expression() is not allowed in a message")
    if not problems and tags(translation) != tags(msgid):
        problems.append(f"inline markup {' '.join(tags(translation)) or '(none)'} does not "
                        f"match the English {' '.join(tags(msgid)) or '(none)'}")
    return problems


def placeholders(text: str) -> set[str]:
    return {a or b for a, b in PLACEHOLDER_RE.findall(text)}


def placeholder_problems(msgid: str, translation: str) -> list[str]:
    """Placeholders must match the English exactly, and the text must format without error."""
    want, have = placeholders(msgid), placeholders(translation)
    problems = []
    if missing := want - have:
        problems.append("missing placeholder " + ", ".join(f"%({n})s" for n in sorted(missing)))
    if extra := have - want:
        problems.append("unknown placeholder " + ", ".join(f"%({n})s" for n in sorted(extra)))
    if not problems:
        try:
            translation % {name: "" for name in want}
        except (ValueError, TypeError, KeyError) as exc:
            problems.append(f"does not format ({exc}); write a literal % as %%")
    return problems


#: Runs that must read left to right even inside right-to-left text.
LTR_RUN_RE = re.compile(
    r"287\(g\)|\bI-20[05]\b|\b\d+(?:[.,]\d+)*\s*U\.S\.C\.\s*\d+\(g\)|"
    r"\b[\w.-]+\.(?:gov|org|com|net|edu)(?:/[\w./-]*)?|\+?\(?\d{3}\)?[ .-]\d{3}[ .-]\d{4}")


def isolate_ltr(html: Markup) -> Markup:
    """Wrap 287(g), form numbers, web addresses and phone numbers in <bdi dir="ltr">.

    The bidi algorithm would otherwise reorder their parentheses and digits inside Arabic
    or Persian sentences. Runs on already-escaped text, so it cannot open a hole.
    """
    return Markup(LTR_RUN_RE.sub(lambda m: f'<bdi dir="ltr">{m[0]}</bdi>', str(html)))


def safe_message(text: str) -> Markup:
    """Escape everything, then restore only bare allowed tags: <strong>, </strong>, ..."""
    escaped = str(escape(text))
    for name in ALLOWED_TAGS:
        escaped = escaped.replace(f"&lt;{name}&gt;", f"<{name}>")
        escaped = escaped.replace(f"&lt;/{name}&gt;", f"</{name}>")
    return Markup(escaped)
