"""The text a PDF gives to copy, search and screen readers is the text it prints.

The printed text comes from the layout: every line WeasyPrint drew, a word it broke by
hyphenation joined again. The text layer is what poppler extracts from the written bytes.
Both are compared as multisets of words (letters, marks and digits after NFKC; punctuation,
spaces, soft hyphens, joiners and bidi controls only separate them), so line order and bidi
run order do not matter, while a letter dropped, added or changed does. Han, kana and Hangul
count one character to a word; scripts written without spaces (Myanmar) compare line by line
(lines are the unit on both sides).

Where extractors decide spacing by glyph position, words that differ only in where a space
falls are the same: a run of words on one side that is a run of words on the other with the
spaces moved (extractors join a line ending in a real hyphen to the next, detach an Arabic
vowel mark from its word; poppler may even carry the marked letter off, so an Arabic word may
also be two extracted pieces anywhere on the page). Never across punctuation: "Enforce‐ment"
split by a printed hyphen stays two words, so a hyphenation break the text layer keeps is
caught.
"""

from __future__ import annotations

import re
import subprocess
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator

from weasyprint.formatting_structure import boxes

#: Words named in a failure, each way.
SHOWN = 6
#: The longest run of words whose spaces may be moved (see the module docstring).
RUN = 4

#: Arabic-script vowel and other marks (harakat): drawn over their letter, extractors detach
#: them from their word (an ActualText cannot help: see render/textlayer.py), so words are
#: compared without them.
_ARABIC_MARKS = re.compile(r"[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e4"
                           r"\u06e7\u06e8\u06ea-\u06ed\u08d3-\u08ff]")
_ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff]")
#: Bidi embedding and isolate controls: extractors put one where a run of the other
#: direction starts, in place of the space.
_BIDI_CONTROLS = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
#: A real hyphen at a line's end: extractors (poppler, PDFium) join the lines without it.
_LINE_END_HYPHEN = re.compile(r"-\n")


def _is_one_char_word(char: str) -> bool:
    """Han, kana and Hangul: a line may break between any two, so each is a word."""
    return unicodedata.east_asian_width(char) in "WF" and unicodedata.category(char) == "Lo"


def spaced_words(text: str) -> list[tuple[str, bool]]:
    """The words of a text in order, each with whether only space parts it from the one
    before (see the module docstring)."""
    text = _ARABIC_MARKS.sub("", unicodedata.normalize("NFKC", text))
    found: list[tuple[str, bool]] = []
    word: list[str] = []
    spaced = True

    def close():
        nonlocal spaced
        if word:
            found.append(("".join(word), spaced))
            word.clear()
            spaced = True

    for char in text:
        category = unicodedata.category(char)
        if category in ("Cf", "Cc") and char not in _BIDI_CONTROLS + "\n\r\t":
            continue  # soft hyphen, ZWJ/ZWNJ, PDFium's hyphen mark (U+0002)
        if category[0] in "LMN" and not _is_one_char_word(char):
            word.append(char)
            continue
        close()
        if _is_one_char_word(char):
            found.append((char, spaced))
        elif not (char.isspace() or char in _BIDI_CONTROLS):
            spaced = False
    close()
    return found


def words(text: str) -> list[str]:
    """The words of a text, in order."""
    return [word for word, _ in spaced_words(text)]


def _runs(sequence: list[tuple[str, bool]], left: Counter) -> Iterator[tuple[str, list[str]]]:
    """(joined, words) for every run of up to RUN words parted only by space, all in `left`."""
    for start in range(len(sequence)):
        run: list[str] = []
        for word, spaced in sequence[start:start + RUN]:
            if run and not spaced:
                break
            run.append(word)
            if left[word] >= run.count(word):
                yield "".join(run), list(run)
            else:
                break


def _respaced(missing: Counter, extra: Counter, printed: list, extracted: list) -> None:
    """Cancel the runs of words that differ only in where their spaces fall (in place)."""
    offered: dict[str, list[list[str]]] = {}
    for joined, run in _runs(extracted, extra):
        offered.setdefault(joined, []).append(run)
    for joined, run in sorted(_runs(printed, missing), key=lambda item: -len(item[1])):
        for other in offered.get(joined, []):
            if len(run) + len(other) > 2 and _available(missing, run) \
                    and _available(extra, other):
                missing.subtract(run)
                extra.subtract(other)
                break
    for word in [word for word in missing if _ARABIC.search(word)]:
        while missing[word] > 0 and (pieces := _pieces(word, extra, RUN - 1)):
            missing[word] -= 1  # an Arabic word that poppler cut where it detached a mark
            extra.subtract(pieces)
    for counter in (missing, extra):
        for word in [word for word, count in counter.items() if count <= 0]:
            del counter[word]


def _pieces(word: str, left: Counter, most: int) -> list[str] | None:
    """The word cut into at most `most` pieces (two or more) that are all in `left`."""
    for cut in range(1, len(word)):
        head, tail = word[:cut], word[cut:]
        if left[head] <= 0:
            continue
        if left[tail] > (head == tail):
            return [head, tail]
        if most > 2:
            left[head] -= 1
            rest = _pieces(tail, left, most - 1)
            left[head] += 1
            if rest:
                return [head, *rest]
    return None


def _available(counter: Counter, run: list[str]) -> bool:
    return all(counter[word] >= count for word, count in Counter(run).items())


def _line_text(line) -> str:
    """The text one line box prints: its text boxes, through inline boxes, in order."""
    parts = []
    for child in line.children:
        if isinstance(child, boxes.TextBox):
            if child.style["visibility"] == "visible" and child.style["font_size"]:
                parts.append(child.text)
        elif isinstance(child, boxes.InlineBox):
            parts.append(_line_text(child))
    return "".join(parts)


def _blocks_lines(box) -> Iterator[list]:
    """The line boxes of every block, block by block, in tree order."""
    children = getattr(box, "children", None) or []
    lines = [child for child in children if isinstance(child, boxes.LineBox)]
    if lines:
        yield lines
    for child in children:
        if isinstance(child, boxes.LineBox):
            for inline in _descendants(child):
                if isinstance(inline, boxes.BlockContainerBox):
                    yield from _blocks_lines(inline)
        else:
            yield from _blocks_lines(child)


def _descendants(box) -> Iterator:
    for child in getattr(box, "children", None) or []:
        yield child
        if not isinstance(child, boxes.BlockContainerBox):
            yield from _descendants(child)


def break_hyphen(textbox) -> str:
    """The hyphen WeasyPrint added at the text box's end at a hyphenation break, or ""."""
    hyphen, text = textbox.style["hyphenate_character"], textbox.text
    if not hyphen or not text.endswith(hyphen) or text == hyphen:
        return ""
    hyphenates = textbox.style["hyphens"] == "auto" or text[:-len(hyphen)].endswith("\u00ad")
    return hyphen if hyphenates else ""


def _break_hyphen(line) -> str:
    """The hyphen WeasyPrint added at the line's end at a hyphenation break, or ""."""
    text_boxes = [box for box in _descendants(line) if isinstance(box, boxes.TextBox)]
    return break_hyphen(text_boxes[-1]) if text_boxes else ""


def printed_lines(pages: Iterable) -> list[str]:
    """Every line the layout prints, a hyphenated word whole on the line where it starts."""
    printed = []
    for page in pages:
        for lines in _blocks_lines(page._page_box):
            texts = [_line_text(line) for line in lines]
            following = 0
            for index, line in enumerate(lines):
                following = max(following, index + 1)
                hyphen = _break_hyphen(line) if following == index + 1 else ""
                while hyphen and following < len(lines):
                    head, space, texts[following] = texts[following].partition(" ")
                    texts[index] = texts[index][:-len(hyphen)] + head
                    hyphen = "" if space else _break_hyphen(lines[following])
                    following += 1
            printed += texts
    return printed


def text_layer_problems(printed: Iterable[str], extracted: str) -> list[str]:
    """The words that print but do not extract, and the other way round (the first few)."""
    printed_words = spaced_words(_LINE_END_HYPHEN.sub("\n", "\n".join(printed) + "\n"))
    extracted_words = spaced_words(extracted)
    missing = Counter(word for word, _ in printed_words)
    extra = Counter(word for word, _ in extracted_words)
    missing, extra = missing - extra, extra - missing
    _respaced(missing, extra, printed_words, extracted_words)
    if not missing and not extra:
        return []

    def shown(counter: Counter) -> str:
        named = [f"{word!r}" + (f" (x{count})" if count > 1 else "")
                 for word, count in counter.most_common(SHOWN)]
        more = sum(counter.values()) - sum(c for _, c in counter.most_common(SHOWN))
        return ", ".join(named) + (f" and {more} more" if more > 0 else "")

    parts = []
    if missing:
        parts.append(f"prints but does not extract {shown(missing)}")
    if extra:
        parts.append(f"extracts but does not print {shown(extra)}")
    return ["text layer is not the printed text: " + "; ".join(parts)]


def poppler_text(data: bytes) -> str:
    """The page text as poppler's pdftotext extracts it (in reading order). Poppler, not
    PDFium: PDFium moves letters of Arabic words around a detached vowel mark."""
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=data,
                          capture_output=True, check=False, timeout=60)
    if done.returncode:
        raise RuntimeError(done.stderr.decode(errors="replace").strip() or "pdftotext failed")
    return done.stdout.decode()


def check_text(data: bytes, pages: Iterable, printed: list[str] | None = None) -> list[str]:
    """Whether the words poppler extracts from the PDF are the words the layout prints
    (printed: the pages' printed_lines, when the caller has them already)."""
    try:
        extracted = poppler_text(data)
    except (OSError, RuntimeError, subprocess.SubprocessError) as exc:
        return [f"text layer not checked: pdftotext (poppler-utils) failed: {exc}"]
    return text_layer_problems(printed if printed is not None else printed_lines(pages),
                               extracted)
