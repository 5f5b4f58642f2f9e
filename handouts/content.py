"""What the handouts are and the dated facts they print (from shared/content/287g-facts.md).

Changing a fact here or in templates/content.html means reviewing it against the brief and
moving CONTENT_REVIEWED forward.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

#: The date the English content was last checked against its sources.
CONTENT_REVIEWED = dt.date(2026, 11, 29)
MAIN_SOURCE = "ice.gov/287g"

#: Scale of the program, always printed with its "as of" date (brief, fact 9).
SCALE_AS_OF = dt.date(2025, 9, 18)
SCALE_AGREEMENTS = 1001
SCALE_STATES = 40
SCALE_PREVIOUS = 135          # end of 2024
REIMBURSEMENT_FROM = dt.date(2025, 10, 1)   # fact 11

#: Printed under "Sources" where a handout has room; names are not translated.
SOURCES = (
    "ice.gov/287g (ICE 287(g) fact sheet and participating agencies)",
    "8 U.S.C. 1357(g); Public Law 104-208, section 133 (1996)",
    "Congressional Research Service IF11898 (12 Aug 2021)",
    "GAO-09-109 (30 Jan 2009); GAO-21-186 (27 Jan 2021)",
    "DHS Office of Inspector General OIG-10-63 (March 2010)",
    "Migration Policy Institute (Jan 2011)",
    "DHS release (17-18 Sep 2025); Executive Order 14159, sec. 11 (20 Jan 2025)",
    "ACLU know-your-rights material",
)


@dataclass(frozen=True)
class Paper:
    name: str        # as on the command line and in file names
    label: str       # for people
    css_size: str    # CSS @page size
    width_pt: float
    height_pt: float
    bleed: str = "0.125in"   # print-shop bleed on every side (CSS length)
    bleed_pt: float = 9.0

    def page_size(self, landscape: bool = False) -> str:
        """CSS @page size, turned sideways for landscape handouts."""
        width, height = self.css_size.split()
        return f"{height} {width}" if landscape else self.css_size


PAPERS = {
    "letter": Paper("letter", "US Letter", "8.5in 11in", 612.0, 792.0),
    "a4": Paper("a4", "A4", "210mm 297mm", 595.28, 841.89, bleed="3mm", bleed_pt=8.504),
}


@dataclass(frozen=True)
class Handout:
    name: str          # file stem and --handout value
    template: str      # under templates/
    pages: int         # page budget: the build fails when a PDF has any other count
    description: str   # for `list` and the download page
    landscape: bool = False
    #: The msgid of the title printed on it, when not TITLE_MSGID (PDF /Title and its check).
    title_msgid: str = ""
    #: Template of blocks rendered twice, in the locale and in English, for two-language
    #: handouts; the layout gets them as parts.own.BLOCK and parts.en.BLOCK.
    parts: str = ""
    #: Built for the source locale too (a bilingual English + English sheet is pointless).
    for_source_locale: bool = True

    def available_in(self, locale_code: str) -> bool:
        return self.for_source_locale or locale_code != "en"

    @property
    def title(self) -> str:
        return self.title_msgid or TITLE_MSGID


HANDOUTS = {
    h.name: h for h in (
        Handout("287g-basics", "handouts/287g-basics.html", 1,
                "One-page flyer: what 287(g) is, the three models, key takeaways, legal help"),
        Handout("287g-card", "handouts/287g-card.html", 2,
                "Pocket cards, 10 to a sheet: key points and contact, English on the back "
                "(print double-sided, flip on long edge)",
                title_msgid="287(g): know the basics", parts="handouts/parts/card-face.html"),
        Handout("287g-trifold", "handouts/287g-trifold.html", 2,
                "Tri-fold brochure with the fuller story: how it works, benefits and "
                "criticisms, impact, sources (print double-sided, flip on short edge)",
                landscape=True),
        Handout("287g-half", "handouts/287g-half.html", 1,
                "Half-page flyer, two to a sheet with a cut line: key takeaways, rights, "
                "legal help"),
        Handout("287g-bilingual", "handouts/287g-bilingual.html", 1,
                "Bilingual flyer: the language and English side by side",
                parts="handouts/parts/bilingual.html", for_source_locale=False),
    )
}

#: The message every handout's title comes from; the PDF check looks for its translation.
TITLE_MSGID = "Section 287(g): when local police work with ICE"
DESCRIPTION_MSGID = ("What the program is, what it lets officers do, and where to get "
                     "legal help.")
