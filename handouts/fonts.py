"""Which font family sets each script, and proof that it is installed.

Static Noto families from Debian (fonts-noto-core, fonts-noto-cjk): measured much faster to
subset than variable fonts, and poppler reads them (see README, "Fonts"). A missing family is
an error, never a silent fallback: the PDF check also rejects any embedded font not listed here.
"""

from __future__ import annotations

import functools
import shutil
import subprocess

LATIN = "Noto Sans"

#: ISO 15924 script code -> (font family, Debian package that ships it).
SCRIPT_FONTS: dict[str, tuple[str, str]] = {
    "Latn": (LATIN, "fonts-noto-core"),
    "Cyrl": (LATIN, "fonts-noto-core"),
    "Grek": (LATIN, "fonts-noto-core"),
    "Arab": ("Noto Naskh Arabic", "fonts-noto-core"),
    "Hebr": ("Noto Sans Hebrew", "fonts-noto-core"),
    "Hans": ("Noto Sans CJK SC", "fonts-noto-cjk"),
    "Hant": ("Noto Sans CJK TC", "fonts-noto-cjk"),
    "Kore": ("Noto Sans CJK KR", "fonts-noto-cjk"),
    "Jpan": ("Noto Sans CJK JP", "fonts-noto-cjk"),
    "Ethi": ("Noto Sans Ethiopic", "fonts-noto-core"),
    "Deva": ("Noto Sans Devanagari", "fonts-noto-core"),
    "Guru": ("Noto Sans Gurmukhi", "fonts-noto-core"),
    "Gujr": ("Noto Sans Gujarati", "fonts-noto-core"),
    "Beng": ("Noto Sans Bengali", "fonts-noto-core"),
    "Taml": ("Noto Sans Tamil", "fonts-noto-core"),
    "Telu": ("Noto Sans Telugu", "fonts-noto-core"),
    "Knda": ("Noto Sans Kannada", "fonts-noto-core"),
    "Mlym": ("Noto Sans Malayalam", "fonts-noto-core"),
    "Sinh": ("Noto Sans Sinhala", "fonts-noto-core"),
    "Mymr": ("Noto Sans Myanmar", "fonts-noto-core"),
    "Khmr": ("Noto Sans Khmer", "fonts-noto-core"),
    "Laoo": ("Noto Sans Lao", "fonts-noto-core"),
    "Thai": ("Noto Sans Thai", "fonts-noto-core"),
    "Geor": ("Noto Sans Georgian", "fonts-noto-core"),
    "Armn": ("Noto Sans Armenian", "fonts-noto-core"),
    "Tibt": ("Noto Serif Tibetan", "fonts-noto-core"),
    "Thaa": ("Noto Sans Thaana", "fonts-noto-core"),
}

#: Scripts with no true italic: CSS must never ask for a synthesized (faux) one.
NO_ITALIC = frozenset(SCRIPT_FONTS) - {"Latn", "Cyrl", "Grek"}


class FontError(RuntimeError):
    """A font the build needs is not installed."""


def families_for_script(script: str) -> list[str]:
    """The font stack for a script: its own family, then Latin for numbers, URLs and names."""
    try:
        family = SCRIPT_FONTS[script][0]
    except KeyError:
        raise FontError(
            f"no font is configured for the {script} script: add it to "
            "SCRIPT_FONTS in handouts/fonts.py") from None
    return [family] if family == LATIN else [family, LATIN]


@functools.cache
def installed_families() -> frozenset[str]:
    """Every family fontconfig knows, asked once per process."""
    if not shutil.which("fc-list"):
        raise FontError("fc-list (fontconfig) is not installed; run `make setup`")
    out = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True,
                         check=True).stdout
    names: set[str] = set()
    for line in out.splitlines():
        names.update(part.strip() for part in line.split(","))
    return frozenset(names)


def require_fonts(script: str) -> list[str]:
    """The script's font stack, or FontError naming each missing family and its package."""
    families = families_for_script(script)
    missing = [f for f in families if f not in installed_families()]
    if missing:
        packages = sorted({pkg for fam, pkg in SCRIPT_FONTS.values() if fam in missing})
        raise FontError(
            f"font {', '.join(repr(m) for m in missing)} needed for the {script} script "
            f"is not installed (Debian package: {' '.join(packages)}; run `make setup`)")
    return families


_STYLE_WORDS = frozenset(
    "thin ultra extra light semi demi book regular normal medium bold heavy black "
    "italic oblique condensed expanded small-caps".split())


def pdf_font_name_allowed(base_font: str, families: list[str]) -> bool:
    """Whether an embedded /BaseFont is one of the families.

    WeasyPrint names fonts from Pango's description of the face actually used
    ('ABCDEF+Noto-Sans-CJK-SC-Bold'), so a fallback face shows up under its own family.
    """
    words = base_font.split("+", 1)[-1].replace("-", " ").split()
    for family in families:
        head = family.split()
        if [w.lower() for w in words[:len(head)]] == [w.lower() for w in head] and all(
                w.lower() in _STYLE_WORDS for w in words[len(head):]):
            return True
    return False
