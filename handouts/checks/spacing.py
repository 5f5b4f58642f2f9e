"""A check of the printed text: no ASCII space touching CJK full-width punctuation.

Full-width punctuation (。，、 …) carries its own spacing; an ASCII space beside it prints
as a visible gap in Chinese or Japanese, and usually means a template joined two messages
with a space (templates take sentence_joiner from the locale for that).
"""

from __future__ import annotations

import re

#: Full-width punctuation of Chinese and Japanese text.
FULLWIDTH_PUNCTUATION = "。，、；：！？「」『』（）"

_STRAY_SPACE_RE = re.compile(rf" (?=[{FULLWIDTH_PUNCTUATION}])|(?<=[{FULLWIDTH_PUNCTUATION}]) ")

#: How many places a problem quotes; the rest are counted.
_SHOWN = 3


def stray_cjk_spaces(text: str) -> list[str]:
    """One problem naming the first few places where a space touches full-width punctuation."""
    found = [match.start() for match in _STRAY_SPACE_RE.finditer(text)]
    if not found:
        return []
    quoted = ", ".join(repr(_around(text, at)) for at in found[:_SHOWN])
    more = f" and {len(found) - _SHOWN} more" if len(found) > _SHOWN else ""
    return [f"ASCII space beside full-width punctuation in the page text: {quoted}{more} "
            "(join messages with sentence_joiner)"]


def _around(text: str, at: int, width: int = 8) -> str:
    return text[max(0, at - width):at + width + 1]
