"""The contact file's QR code as inline vector SVG (segno), so it prints sharp at any size.

The target comes from the contact file (Contact.qr_target: website, WhatsApp or download
page). With nothing to point at there is no QR code at all, never an empty box.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import segno
from markupsafe import Markup, escape

from ..contact import Contact

#: Error correction M survives a smudge or a fold across the code; L is too fragile on paper.
ERROR_LEVEL = "m"
#: Quiet zone in modules. The spec asks for 4; the layouts keep more white space around it.
QUIET_ZONE = 2
#: Inked modules, as in the palette (handouts.css --ink): near-black prints solid in B/W.
DARK = "#111111"
#: The figure's alternative text (its PDF /Alt): what it is and where it leads. English, and
#: marked lang="en": a new message would leave every catalog untranslated (and fail
#: --strict builds) until translators catch up; the address beside it is in every language.
ALT_TEXT = "QR code: opens {caption}"


@dataclass(frozen=True)
class QrCode:
    target: str     # what a phone opens
    caption: str    # the same, readable without a phone (no scheme)
    svg: Markup     # inline <svg>, sized by CSS through its viewBox
    modules: int    # symbol size without the quiet zone, for tests and size checks


@functools.lru_cache(maxsize=32)
def make(target: str) -> QrCode:
    code = segno.make(target, error=ERROR_LEVEL, micro=False, boost_error=False)
    caption = re.sub(r"^https?://", "", target).rstrip("/")
    # segno writes only path data from the module matrix; the one piece of contact text,
    # the <title> WeasyPrint makes the Figure's /Alt, is escaped here.
    svg = code.svg_inline(scale=1, border=QUIET_ZONE, dark=DARK, light="#ffffff",
                          omitsize=True, svgclass="qr-code", lineclass=None)
    alt = escape(ALT_TEXT.format(caption=caption))
    svg = svg.replace(">", f' role="img" lang="en"><title>{alt}</title>', 1)
    return QrCode(target=target, caption=caption, svg=Markup(svg),
                  modules=int(code.symbol_size(border=0)[0]))


def for_contact(contact: Contact) -> QrCode | None:
    """The contact's QR code, or None when the contact file gives nothing to point at."""
    target = contact.qr_target
    return make(target) if target else None
