"""Translations are text. The only markup a message may carry is the inline markup of its
English msgid, from a small allowed set; everything else is escaped.

Used by the catalog checks (to report) and by rendering (to enforce), so both agree.
"""

from __future__ import annotations

import re
import unicodedata

from markupsafe import Markup, escape

ALLOWED_TAGS = ("strong", "em", "bdi")

TAG_RE = re.compile(r"<\s*(/?)\s*([A-Za-z][A-Za-z0-9-]*)([^>]*)>")
PLACEHOLDER_RE = re.compile(r"%\((\w+)\)[sd]|\{(\w+)\}")
#: Every % in a message, so one that is neither %% nor a plain %(name)s / %(name)d (widths,
#: flags, positional %s) can be found: see stray_percent.
PERCENT_RE = re.compile(r"%%|%\(\w+\)[sd]|%(?:\([^)]*\))?[^%]{0,12}")
URL_RE = re.compile(r"\b(?:https?://\S+|[\w-]+(?:\.[\w-]+)*\.(?:gov|org|com|net|edu)(?:/[\w./-]*)?)",
                    re.IGNORECASE)
EMAIL_RE = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
PHONE_RE = re.compile(r"\+?\(?\d{3}\)?[ .-]\d{3}[ .-]\d{4}")
CSS_URL_RE = re.compile(r"url\s*\(|@import|expression\s*\(", re.IGNORECASE)
#: What an HTML parser would start a tag, comment or declaration at, once whole tags are gone:
#: an unfinished '<img src=...' is markup too, even though it is escaped when printed.
STRAY_MARKUP_RE = re.compile(r"<[A-Za-z/!?]")
#: A character reference written out (&lt;img&gt;): escaped, it would print as itself.
ENTITY_RE = re.compile(r"&(?:#[0-9]+|#[xX][0-9A-Fa-f]+|[A-Za-z][A-Za-z0-9]{1,31});")
#: A link: any scheme://..., and the schemes that point somewhere without // (file:, data:).
LINK_RE = re.compile(r"\b(?:[A-Za-z][A-Za-z0-9+.-]*://|(?:file|data|javascript|vbscript):)"
                     r"[^\s\"'<>]*",
                     re.IGNORECASE)
#: Characters no message or contact value may carry: C0/C1 controls (tab and newline are
#: whitespace), line/paragraph separators, and the bidi embeddings, overrides and isolates
#: that can make a phone number or an address read differently from what it is.
FORBIDDEN_CHAR_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e"
                               r"\u2066-\u2069]")
#: How much longer than its English a translation may be before it is refused: far beyond any
#: real translation (the shipped catalogs reach 3.4x on one-word labels, +161 characters), and
#: it bounds the text a catalog can ask the layout to set (with MAX_MESSAGE_CHARS).
MAX_GROWTH, GROWTH_ALLOWANCE = 16, 200


def tags(text: str) -> list[str]:
    """The tag sequence of a message, exactly as written: ['<strong>', '</strong>'].

    Exact (case and spaces included) because rendering restores only the exact bare tags:
    a '<STRONG>' that passed the check would print as text.
    """
    return [m[0] for m in TAG_RE.finditer(text)]


def markup_problems(msgid: str, translation: str) -> list[str]:
    """Why a translation's markup is not allowed; empty when it is. Each problem once."""
    problems = []
    for tag in TAG_RE.finditer(translation):
        name = tag[2].lower()
        if name not in ALLOWED_TAGS:
            problems.append(f"tag <{name}> is not allowed (allowed: "
                            f"{', '.join(ALLOWED_TAGS)})")
        elif tag[3].strip():
            problems.append(f"attributes are not allowed on <{name}>: {tag[3].strip()[:60]!r}")
    problems += reference_problems(translation, english=msgid)
    if not problems and tags(translation) != tags(msgid):
        problems.append(f"inline markup {_shown_tags(tags(translation))} does not "
                        f"match the English {_shown_tags(tags(msgid))}")
    return list(dict.fromkeys(problems))


def reference_problems(text: str, english: str = "",
                       allowed_schemes: tuple[str, ...] = ()) -> list[str]:
    """Text that is not a whole allowed tag but still tries to be markup or to point somewhere:
    an unfinished tag, a written-out character reference, CSS url(), a link the English does
    not have, invisible control characters. Shared by catalogs and contact files."""
    problems = []
    if bad := sorted(set(FORBIDDEN_CHAR_RE.findall(text))):
        problems.append("contains invisible control character(s) "
                        + ", ".join(f"U+{ord(c):04X}" for c in bad[:5])
                        + ": remove them (bidi controls can reorder what a reader sees)")
    if stray := STRAY_MARKUP_RE.search(without_tags := TAG_RE.sub("", text)):
        problems.append(f"unfinished tag or HTML markup {without_tags[stray.start():][:30]!r} "
                        "is not allowed: this is text, not HTML")
    if entities := [e for e in dict.fromkeys(ENTITY_RE.findall(text)) if e not in english]:
        problems.append(f"character reference {entities[0][:20]} is not allowed: type the "
                        "character itself (a reference would print as written)")
    if CSS_URL_RE.search(text):
        problems.append("CSS url(), @import or expression() is not allowed")
    for link in dict.fromkeys(LINK_RE.findall(text)):
        scheme = link.split(":", 1)[0].lower()
        if link not in english and scheme not in allowed_schemes:
            allowed = (" or ".join(f"{s}://" for s in allowed_schemes) + " web addresses"
                       if allowed_schemes else "the web addresses of the English")
            problems.append(f"link {link[:60]!r} is not allowed here: only {allowed} may appear")
            break
    return problems


def plain_text_problems(text: str) -> list[str]:
    """Why a contact-file value is not plain text: no tag at all, nothing reference_problems
    refuses, web links only as http(s)."""
    problems = []
    if tag := TAG_RE.search(text):
        problems.append(f"contains markup {tag[0][:40]!r}: contact details are plain text")
    return problems + reference_problems(text, allowed_schemes=("http", "https"))


def growth_problem(msgid: str, translation: str) -> str | None:
    """A translation so much longer than its English that it cannot be real (bounded work)."""
    limit = MAX_GROWTH * len(msgid) + GROWTH_ALLOWANCE
    if len(translation) > limit:
        return (f"translation is {len(translation):,} characters, more than {MAX_GROWTH}x its "
                f"English ({len(msgid)}) + {GROWTH_ALLOWANCE}; the limit here is {limit:,}")
    return None


def _shown_tags(found: list[str], limit: int = 8) -> str:
    """A tag list for a message: the first few, and how many in all."""
    if not found:
        return "(none)"
    shown = " ".join(tag if len(tag) <= 30 else tag[:29] + "…" for tag in found[:limit])
    return shown + (f" … ({len(found)} tags)" if len(found) > limit else "")


def one_line(text: str) -> str:
    """A message safe to print on one line of a terminal or CI log: control characters,
    line separators and bidi controls from untrusted input are shown as escapes."""
    return FORBIDDEN_CHAR_RE.sub(lambda m: m[0].encode("unicode_escape").decode(),
                                 re.sub(r"[\t\n\r]", lambda m: repr(m[0])[1:-1], text))


def placeholders(text: str) -> set[str]:
    return {a or b for a, b in PLACEHOLDER_RE.findall(text)}


def placeholder_problems(msgid: str, translation: str) -> list[str]:
    """Placeholders must match the English exactly, and the text must format without error."""
    want, have = placeholders(msgid), placeholders(translation)
    problems = []
    missing, extra = want - have, have - want
    if len(missing) == len(extra) == 1:  # one renamed (often translated) placeholder
        problems.append(f"placeholder %({extra.pop()})s must be %({missing.pop()})s as in the "
                        "English: placeholders are copied, not translated")
    if missing:
        problems.append("missing placeholder " + ", ".join(f"%({n})s" for n in sorted(missing)))
    if extra:
        problems.append("unknown placeholder " + ", ".join(f"%({n})s" for n in sorted(extra)))
    if not problems and (stray := stray_percent(translation)):
        # Checked before formatting: '%(n)999999999s' would build a gigabyte string, and a
        # bare '%s' would print the template's variables.
        problems.append(f"{stray!r} is not a placeholder; write a literal % as %%")
    if not problems:
        try:
            translation % {name: 0 for name in want}  # 0 fits %s and %d
        except (ValueError, TypeError, KeyError) as exc:
            problems.append(f"does not format ({exc}); write a literal % as %%")
    return problems


def stray_percent(text: str) -> str | None:
    """The first % that is not %% or a plain %(name)s / %(name)d, with what follows it."""
    for match in PERCENT_RE.finditer(text):
        if match[0] != "%%" and not re.fullmatch(r"%\(\w+\)[sd]", match[0]):
            return match[0]
    return None


def kept_text_problems(msgid: str, translation: str) -> list[str]:
    """Web addresses, email addresses and phone numbers are facts: a translation prints them
    unchanged, and adds none the English does not have."""
    problems = []
    for kind, found in (("email address", _emails), ("web address", _urls)):
        have, want = found(translation), found(msgid)
        missing = [f"{kind} {item} is missing or changed; copy it exactly"
                   for item in want if item not in have]
        problems += missing or [f"{kind} {item} is not in the English: copy the English's "
                                "exactly" for item in have if item not in want
                                and not any(item in w or w in item for w in want)]
    want_phones = {_digits(p): p for p in PHONE_RE.findall(msgid)}
    have_phones = {_digits(p): p for p in PHONE_RE.findall(translation)}
    missing = [f"phone number {phone} is missing or changed; copy its digits exactly"
               for digits, phone in want_phones.items() if digits not in _digits(translation)]
    problems += missing or [f"phone number {phone} is not in the English: copy the English's "
                            "exactly" for digits, phone in have_phones.items()
                            if digits not in want_phones]
    return problems


def _emails(text: str) -> list[str]:
    return list(dict.fromkeys(EMAIL_RE.findall(text)))


def _urls(text: str) -> list[str]:
    """Web addresses, without an email address's domain and without closing punctuation."""
    return list(dict.fromkeys(u.rstrip(".,;:!?)") for u in URL_RE.findall(EMAIL_RE.sub(" ", text))))


def _digits(text: str) -> str:
    """Just the digits, as 0-9 (a phone number in Arabic-Indic digits is the same number)."""
    return "".join(str(unicodedata.digit(c)) for c in text if c.isdigit())


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


def display_width(text: str) -> int:
    """How much line a message takes, roughly, comparable across scripts.

    Tags are dropped, each placeholder counts as 8 columns, wide (CJK) characters as 2 and
    combining marks as 0, so "grew 1.8x relative to English" means about the same in every
    script. Used by the length checks and by fit attribution.
    """
    text = PLACEHOLDER_RE.sub("\x00" * 8, TAG_RE.sub("", text))
    return sum(0 if unicodedata.category(c) in ("Mn", "Me", "Cf") else
               2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text)


def safe_message(text: str) -> Markup:
    """Escape everything, then restore only bare allowed tags: <strong>, </strong>, ..."""
    escaped = str(escape(text))
    for name in ALLOWED_TAGS:
        escaped = escaped.replace(f"&lt;{name}&gt;", f"<{name}>")
        escaped = escaped.replace(f"&lt;/{name}&gt;", f"</{name}>")
    return Markup(escaped)
