"""The handouts' colours, read from the stylesheets, checked against WCAG AA by the build.

Colours live in one place: CSS custom properties (--ink, --accent, ...) on `html` in the
stylesheets. Any other colour literal in a declaration is a problem, so what is checked here
is what prints. Text/background pairs are declared below, with where each is used; every
pair must reach 4.5:1 (WCAG 2.x AA, normal text) and guide lines 3:1 (non-text contrast).
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import tinycss2
import tinycss2.color3

STYLESHEETS = ("handouts.css", "formats.css")

AA_TEXT = 4.5
AA_GRAPHICS = 3.0

#: (foreground, background, minimum ratio, where it is used)
PAIRS = (
    ("ink", "paper", AA_TEXT, "body text"),
    ("accent", "paper", AA_TEXT, "titles and headings"),
    ("ink", "tint", AA_TEXT, "text in the key-takeaways boxes"),
    ("accent", "tint", AA_TEXT, "headings in the key-takeaways boxes"),
    ("paper", "accent", AA_TEXT, "white titles on the cover and mastheads"),
    ("tint", "accent", AA_TEXT, "subtitles on the cover band"),
    ("guide", "paper", AA_GRAPHICS, "cut and fold guides"),
)

_CUSTOM_RE = re.compile(r"--([\w-]+)\s*:\s*(#[0-9a-fA-F]{3,8})\b")
_ALLOWED_KEYWORDS = {"transparent", "currentcolor", "inherit", "initial", "none"}


def relative_luminance(hex_colour: str) -> float:
    """WCAG 2.x relative luminance of an sRGB colour."""
    rgba = tinycss2.color3.parse_color(hex_colour)

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(rgba.red) + 0.7152 * linear(rgba.green) + 0.0722 * linear(rgba.blue)


def contrast(foreground: str, background: str) -> float:
    lighter, darker = sorted((relative_luminance(foreground), relative_luminance(background)),
                             reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def read_palette(css_texts: dict[str, str]) -> dict[str, str]:
    """--name: #hex definitions from every stylesheet; a later file may not redefine one."""
    palette: dict[str, str] = {}
    for text in css_texts.values():
        for name, value in _CUSTOM_RE.findall(text):
            palette.setdefault(name, value.lower())
    return palette


def stray_colours(name: str, css: str) -> list[str]:
    """Colour literals outside the palette's custom properties, as 'file:line: value'."""
    problems = []
    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    blocks = []
    for rule in rules:
        if rule.type in ("qualified-rule", "at-rule") and rule.content:
            blocks.append(rule.content)
    while blocks:
        content = blocks.pop()
        for item in tinycss2.parse_blocks_contents(content, skip_comments=True,
                                                   skip_whitespace=True):
            if item.type == "declaration" and not item.name.startswith("--"):
                for token in item.value:
                    if token.type in ("hash", "ident", "function") and \
                            tinycss2.color3.parse_color(token) is not None and \
                            getattr(token, "value", "").lower() not in _ALLOWED_KEYWORDS:
                        problems.append(f"{name}:{item.source_line}: colour "
                                        f"{tinycss2.serialize([token])!r} in {item.name} is "
                                        "not from the palette (use var(--name))")
            elif item.type in ("qualified-rule", "at-rule") and item.content:
                blocks.append(item.content)
    return problems


def palette_problems(css_texts: dict[str, str]) -> list[str]:
    palette = read_palette(css_texts)
    problems = []
    for foreground, background, minimum, use in PAIRS:
        missing = [n for n in (foreground, background) if n not in palette]
        if missing:
            problems.append(f"palette: --{', --'.join(missing)} is not defined in "
                            f"{' or '.join(css_texts)} (needed for {use})")
            continue
        ratio = contrast(palette[foreground], palette[background])
        if ratio < minimum:
            problems.append(f"palette: --{foreground} {palette[foreground]} on --{background} "
                            f"{palette[background]} has contrast {ratio:.2f}:1, below the "
                            f"WCAG AA {minimum}:1 needed for {use}")
    for name, css in css_texts.items():
        problems += [f"palette: {p}" for p in stray_colours(name, css)]
    return problems


@functools.lru_cache(maxsize=1)
def check_templates(templates_dir: Path) -> tuple[str, ...]:
    """The build's check of the shipped stylesheets (once per process)."""
    texts = {}
    for name in STYLESHEETS:
        path = templates_dir / name
        if path.exists():
            texts[name] = path.read_text(encoding="utf-8")
    return tuple(palette_problems(texts))
