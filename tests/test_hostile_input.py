"""Hostile and broken input (issue 8): catalogs and contact files that try to inject markup,
leak a file, reach the network, exhaust the build, or are simply broken.

Each case is a row of the table in docs/SECURITY.md, which names the test here that proves it.
Leaks are measured, not assumed: an audit hook records every Python-level open() of a sentinel
file, and a loopback listener counts connection attempts; the positive controls show both
instruments do catch a leak when the defence is not there.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

import pytest
import tinyhtml5
from babel.messages.pofile import read_po, write_po
from pypdf import PdfReader
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from handouts import catalogs, cli, content, markup, render
from handouts.build.matrix import renderer as shared_renderer
from handouts.catalogs import CatalogError, po, rules
from handouts.contact import Contact, ContactError, load_contact, parse_contact
from handouts.render import Document
from handouts.sources import catalog_path
from tests.conftest import LOCALES, PROJECT, TEMPLATES

SECRET = "SENTINEL-SECRET-5f0c"
BASICS, A4 = content.HANDOUTS["287g-basics"], content.PAPERS["a4"]
GOOD_CONTACT = {"name": "Casa Legal", "phone": "(972) 656-0560", "website": "casa.example.org",
                "address": "1 Main St", "hours": "Mon-Fri 9-5", "email": "info@casa.example.org"}


# -- instruments ------------------------------------------------------------------------------

_OPENED: list[str] = []


def _audit(event: str, args: tuple) -> None:
    """Every Python-level open() of a sentinel file, whoever makes it (WeasyPrint included)."""
    if event == "open" and args and isinstance(args[0], (str, bytes, os.PathLike)):
        path = os.fsdecode(os.fspath(args[0]))
        if "sentinel-" in path:
            _OPENED.append(path)


sys.addaudithook(_audit)  # audit hooks cannot be removed; this one only looks at names


@pytest.fixture()
def sentinel(tmp_path):
    """A file untrusted input must never get read; yields (path, opens of it so far)."""
    path = tmp_path / "sentinel-secret.txt"
    path.write_text(SECRET)
    _OPENED.clear()
    yield path, _OPENED
    _OPENED.clear()


@pytest.fixture()
def listener():
    """A loopback TCP port that counts every connection made to it."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.settimeout(0.05)
    hits, stop = [], threading.Event()

    def serve():
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            hits.append(1)
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1], hits
    time.sleep(0.1)  # let a connection made at the very end be counted
    stop.set()
    thread.join()
    server.close()


def renderer() -> render.Renderer:
    """The build's per-process renderer of the shipped templates."""
    return shared_renderer(TEMPLATES)


def html_of(catalog, contact) -> str:
    """The flyer's HTML on A4 for this catalog and contact."""
    return renderer().html(Document(BASICS, catalog, A4, contact))


def test_instruments_catch_a_real_leak(sentinel, listener):
    """Positive control: WeasyPrint's own fetcher, given the same references, reads the file
    and connects, and the instruments see both. So an empty record elsewhere means something."""
    path, opened = sentinel
    port, hits = listener
    HTML(string=planted_html(path, port), base_url=str(TEMPLATES) + "/",
         url_fetcher=URLFetcher(timeout=2)).write_pdf()
    assert opened and hits


# -- helpers ----------------------------------------------------------------------------------

def is_one_line(message: str) -> bool:
    """A clear error as a person reads it in a terminal: one line, no raw control characters."""
    return bool(message.strip()) and not markup.FORBIDDEN_CHAR_RE.search(message) and \
        not any(c in message for c in "\n\r\t") and "Traceback" not in message


def copy_catalog(root: Path, code: str, replace: dict[str, str] | None = None,
                 source: str | None = None) -> Path:
    """A real catalog copied into root (Weblate layout), some msgstrs replaced, via Babel."""
    with open(catalog_path(LOCALES, source or code), "rb") as handle:
        catalog = read_po(handle, locale=source or code)
    for msgid, text in (replace or {}).items():
        assert msgid in catalog, msgid
        catalog[msgid].string = text
    path = catalog_path(root, code)
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=0)
    path.write_bytes(buffer.getvalue())
    return path


def element_signature(html: str) -> Counter:
    """Every element of a document as the HTML parser WeasyPrint uses sees it: its name and the
    names of its attributes. Untrusted text that changes this has injected markup."""
    return Counter((el.tag.rsplit("}", 1)[-1], tuple(sorted(k.rsplit("}", 1)[-1]
                                                           for k in el.attrib)))
                   for el in tinyhtml5.parse(html).iter())


def toml_string(value: str) -> str:
    """A TOML basic string holding exactly `value` (controls as \\uXXXX escapes)."""
    out = []
    for char in value:
        if char in '"\\':
            out.append("\\" + char)
        elif ord(char) < 0x20 or 0x7f <= ord(char) <= 0x9f:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def write_contact(path: Path, values: dict[str, str]) -> Path:
    path.write_text("".join(f"{key} = {toml_string(v)}\n" for key, v in values.items()),
                    encoding="utf-8")
    return path


def pdf_is_valid(path: Path, pages: int = 1) -> bool:
    reader = PdfReader(io.BytesIO(path.read_bytes()), strict=True)
    return len(reader.pages) == pages and "/StructTreeRoot" in reader.trailer["/Root"]


def embedded_files(data: bytes) -> list:
    """PDF attachments: the catalog's /EmbeddedFiles and any /FileAttachment annotation."""
    reader = PdfReader(io.BytesIO(data))
    names = reader.trailer["/Root"].get("/Names") or {}
    found = list((names.get("/EmbeddedFiles") or {}).get("/Names") or [])
    for page in reader.pages:
        found += [a for a in (page.get("/Annots") or [])
                  if a.get_object().get("/Subtype") == "/FileAttachment"]
    return found


def planted_html(path: Path, port: int) -> str:
    """Every way a document can load something: images, CSS, @import, attachments, SVG."""
    file_url, web = path.as_uri(), f"http://127.0.0.1:{port}"
    return f"""<!DOCTYPE html><html><head><title>t</title>
<link rel="attachment" href="{file_url}" title="leak">
<link rel="stylesheet" href="{web}/s.css"></head><body>
<style>@import url("{file_url}"); p {{ background: url({web}/bg.png); }}</style>
<p>text</p><img src="{file_url}" alt=""><img src="{web}/i.png" alt="">
<a rel="attachment" href="{file_url}">a</a><a rel="attachment" href="{web}/a.pdf">b</a>
<object data="{file_url}" type="image/png"></object>
<svg width="20" height="20" xmlns="http://www.w3.org/2000/svg"
     xmlns:xlink="http://www.w3.org/1999/xlink">
<image xlink:href="{file_url}" width="10" height="10"/>
<image href="{web}/s.svg" width="10" height="10"/></svg>
<div style="background-image: url('{file_url}')">c</div></body></html>"""


# -- 1. markup in translations: rejected by the check, escaped if it reaches a template --------

#: name: (translation of "Key takeaways", what the check must say). {file} is the sentinel's
#: file:// URL, {web} a loopback address that counts connections.
HOSTILE_TRANSLATIONS = {
    "img": ('Puntos <img src="{file}"> clave', "tag <img> is not allowed"),
    "link-attachment": ('<link rel="attachment" href="{file}">Puntos', "tag <link> is not allowed"),
    "a-attachment": ('<a rel="attachment" href="{web}/x.pdf">Puntos</a>', "tag <a> is not allowed"),
    "style-tag": ('<style>@import url({file});</style>Puntos', "tag <style> is not allowed"),
    "style-attribute": ('<strong style="background:url({web}/b.png)">Puntos</strong>',
                        "attributes are not allowed on <strong>"),
    "script": ("<script>alert(1)</script>Puntos", "tag <script> is not allowed"),
    "event-handler": ('<em onmouseover="alert(1)">Puntos</em>',
                      "attributes are not allowed on <em>"),
    "css-url": ("Puntos clave; background: url({web}/bg.png)", "CSS url()"),
    "css-import": ("Puntos @import '{file}'", "CSS url(), @import"),
    "svg-image": ('<svg><image xlink:href="{file}"/></svg>Puntos', "tag <svg> is not allowed"),
    "svg-use": ('<svg><use href="{web}/x.svg#a"/></svg>Puntos', "tag <svg> is not allowed"),
    "entity-tag": ('&lt;img src="{file}"&gt; Puntos', "character reference &lt; is not allowed"),
    "numeric-entity": ("&#60;script&#62;Puntos", "character reference &#60; is not allowed"),
    "unfinished-tag": ('Puntos clave <img src="{file}"', "unfinished tag or HTML markup"),
    "html-comment": ("Puntos <!-- clave -->", "unfinished tag or HTML markup"),
    "file-link": ("Puntos clave {file}", "link 'file://"),
    "web-link": ("Puntos clave {web}/x", "link 'http://127.0.0.1"),
    "javascript-link": ("Puntos javascript:alert(1)", "link 'javascript:"),
    "bidi-override": ("Puntos \u202eevalc", "invisible control character(s) U+202E"),
    "terminal-escape": ("Puntos\x1b[2J clave", "invisible control character(s) U+001B"),
}


def hostile(template: str, sentinel_path: Path, port: int = 9) -> str:
    return template.format(file=sentinel_path.as_uri(), web=f"http://127.0.0.1:{port}")


@pytest.mark.parametrize("case", HOSTILE_TRANSLATIONS)
def test_markup_in_a_translation_is_rejected_with_file_and_line(tmp_path, sentinel, case):
    template, expected = HOSTILE_TRANSLATIONS[case]
    path = copy_catalog(tmp_path, "es", {"Key takeaways": hostile(template, sentinel[0])})
    loaded = catalogs.load("es", tmp_path)
    errors = [str(i) for i in loaded.issues if i.severity == "error"]
    assert any(expected in e for e in errors), errors
    line = loaded.catalog["Key takeaways"].lineno
    assert all(e.startswith(f"{catalogs.shown_path(path)}:{line}: error: ") and is_one_line(e)
               for e in errors), errors
    served = str(loaded.translator().gettext("Key takeaways"))  # dropped: English, marked
    assert served == '<span lang="en" dir="ltr" class="fallback">Key takeaways</span>'


@pytest.mark.parametrize("case", HOSTILE_TRANSLATIONS)
def test_markup_in_a_translation_is_escaped_if_it_reaches_a_template(tmp_path, sentinel, case):
    """With the check bypassed, the payload is text: the document has exactly the elements
    and attributes it has with an honest translation."""
    baseline = element_signature(html_of(catalogs.load("es", LOCALES),
                                         parse_contact(GOOD_CONTACT)))
    text = hostile(HOSTILE_TRANSLATIONS[case][0], sentinel[0])
    copy_catalog(tmp_path, "es", {"Key takeaways": text})
    loaded = catalogs.load("es", tmp_path)
    loaded.issues.clear()  # as if the check had missed it
    html = html_of(loaded, parse_contact(GOOD_CONTACT))
    assert element_signature(html) == baseline
    assert str(markup.safe_message(text)) in html


def test_allowed_tag_in_the_wrong_case_is_rejected(tmp_path):
    """Rendering restores only the exact bare tags; a check that ignored case would pass a
    <STRONG> that then prints as text."""
    msgid = next(m.id for m in catalogs.load("es", LOCALES).catalog
                 if isinstance(m.id, str) and m.id.startswith("<strong>General information"))
    english = catalogs.load("es", LOCALES).catalog[msgid].string
    copy_catalog(tmp_path, "es", {msgid: english.replace("strong>", "STRONG>")})
    errors = [str(i) for i in catalogs.load("es", tmp_path).issues]
    assert any("inline markup <STRONG> </STRONG> does not match the English <strong> </strong>"
               in e for e in errors), errors


def test_jinja_syntax_in_a_translation_is_printed_not_run(tmp_path):
    """A translation is never a template: {{ }} prints as written (a {% %} block is refused
    with the other stray % signs)."""
    copy_catalog(tmp_path, "es", {"Key takeaways": "Puntos {{ 7 * 7 }} {{ contact.phone }}"})
    loaded = catalogs.load("es", tmp_path)
    assert loaded.issues == []
    html = html_of(loaded, parse_contact(GOOD_CONTACT))
    assert "Puntos {{ 7 * 7 }} {{ contact.phone }}" in html and "Puntos 49" not in html


@pytest.mark.parametrize("translation,expected", [
    ("Desde %(date)s: %(agreements)s %(states)s %(agreements)50000000s",
     "'%(agreements)50000000s' is not a placeholder"),
    ("Desde %s: %(date)s %(agreements)s %(states)s", "'%s: ' is not a placeholder"),
])
def test_format_tricks_are_refused_before_formatting(translation, expected):
    """A width would build a 50 MB string while checking; a bare %s would print the
    template's variables."""
    msgid = "<strong>As of %(date)s:</strong> %(agreements)s agreements in %(states)s states"
    assert any(expected in p for p in markup.placeholder_problems(msgid, translation))


# -- 2. the same for contact files ------------------------------------------------------------

#: field: (value, what the contact check must say)
HOSTILE_CONTACT_VALUES = {
    "img": ("name", '<img src="{file}">', "name contains markup '<img"),
    "link-attachment": ("address", '<link rel=attachment href="{file}">',
                        "address contains markup"),
    "a-attachment": ("hours", '<a rel="attachment" href="{web}/a.pdf">9-5</a>',
                     "hours contains markup"),
    "style-attribute": ("name", '<span style="background:url({web})">Casa</span>',
                        "contains markup"),
    "script": ("name", "<script>alert(1)</script>", "name contains markup '<script>'"),
    "event-handler": ("name", '<b onclick="x()">Casa</b>', "name contains markup"),
    "svg": ("address", '<svg><image href="{file}"/></svg>', "address contains markup '<svg>'"),
    "entity-tag": ("name", "&lt;img src=x&gt;", "name character reference &lt; is not allowed"),
    "unfinished-tag": ("name", 'Casa <img src="{file}"', "unfinished tag or HTML markup"),
    "css-url": ("hours", "url({web}/x.png)", "hours CSS url()"),
    "file-link": ("address", "{file}", "address link 'file://"),
    "javascript-link": ("hours", "javascript:alert(1)", "hours link 'javascript:"),
    "website-file": ("website", "{file}", "website link 'file://"),
    "download-javascript": ("download_url", "javascript:alert(1)",
                            "download_url link 'javascript:"),
    "bidi-override": ("name", "Casa \u202eLegal", "name contains control or bidi-override"),
    "c1-control": ("name", "Casa\x9b2J Legal", "name contains control or bidi-override"),
}


@pytest.mark.parametrize("case", HOSTILE_CONTACT_VALUES)
def test_markup_in_a_contact_file_is_rejected_with_file_and_line(tmp_path, sentinel, case):
    key, template, expected = HOSTILE_CONTACT_VALUES[case]
    values = {**GOOD_CONTACT, key: hostile(template, sentinel[0])}
    path = write_contact(tmp_path / "org.toml", values)
    with pytest.raises(ContactError) as err:
        load_contact(path)
    line = list(values).index(key) + 1
    message = str(err.value)
    assert message.startswith(f"{path}:{line}: ") and expected in message, message
    assert is_one_line(message)


@pytest.mark.parametrize("case", HOSTILE_CONTACT_VALUES)
def test_markup_in_a_contact_value_is_escaped_if_it_reaches_a_template(sentinel, case):
    """With the check bypassed, a contact value is text in every field a template prints."""
    key, template, _ = HOSTILE_CONTACT_VALUES[case]
    if key in ("website", "download_url"):
        key = "address"
    good = parse_contact(GOOD_CONTACT)
    baseline = element_signature(html_of(catalogs.load("es", LOCALES), good))
    text = hostile(template, sentinel[0])
    bad = Contact(**{**good.__dict__, "name": text, "address": text, "hours": text})
    html = html_of(catalogs.load("es", LOCALES), bad)
    assert element_signature(html) == baseline


# -- 3. no leaks: nothing read, nothing fetched -----------------------------------------------

def test_references_planted_in_templates_are_refused_and_never_read(tmp_path, sentinel, listener):
    """The last line of defence, should markup ever get through: the fetcher refuses every
    reference (attachments and SVG included) and records it; the file is never opened and no
    connection is made. Same HTML as the positive control above."""
    path, opened = sentinel
    port, hits = listener
    laid_out = render.Renderer(TEMPLATES).layout_html(planted_html(path, port))
    pdf, _ = render.Renderer.write(laid_out)
    refused = set(laid_out.refused_urls)
    file_url, web = path.as_uri(), f"http://127.0.0.1:{port}"
    assert {file_url, f"{web}/s.css", f"{web}/bg.png", f"{web}/i.png", f"{web}/a.pdf",
            f"{web}/s.svg"} <= refused
    assert opened == [] and hits == []
    assert embedded_files(pdf) == [] and SECRET.encode() not in pdf


def test_hostile_catalog_and_contact_reach_a_pdf_without_reading_or_connecting(
        tmp_path, sentinel, listener):
    """Checks bypassed on both inputs, every planted reference in one document: the PDF is
    made, prints the references as text, asks the fetcher for nothing, reads nothing."""
    path, opened = sentinel
    port, hits = listener
    payload = " ".join(hostile(HOSTILE_TRANSLATIONS[c][0], path, port) for c in
                       ("img", "link-attachment", "a-attachment", "style-tag", "svg-image",
                        "svg-use", "css-url", "entity-tag"))
    copy_catalog(tmp_path, "es", {"Key takeaways": payload})
    loaded = catalogs.load("es", tmp_path)
    loaded.issues.clear()
    contact = Contact(**{**parse_contact(GOOD_CONTACT).__dict__,
                         "name": hostile('<img src="{file}">', path, port),
                         "address": hostile('<a rel="attachment" href="{file}">x</a>', path, port),
                         "hours": hostile('<svg><image href="{web}/q.svg"/></svg>', path, port)})
    document = render.Renderer(TEMPLATES)
    laid_out = document.layout_html(document.html(Document(BASICS, loaded, A4, contact)))
    pdf, _ = document.write(laid_out)
    assert laid_out.refused_urls == ()  # escaped: nothing even asked to be loaded
    assert opened == [] and hits == []
    assert embedded_files(pdf) == [] and SECRET.encode() not in pdf
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert '<img src="file://' in " ".join(text.split())


def test_build_with_planted_references_reads_and_connects_nothing(tmp_path, sentinel, listener,
                                                                  capsys):
    """The real flow, through the command line: a catalog full of planted references and a
    contact file whose only web address is its own. The catalog's messages are refused and
    named; no file is read, no connection made."""
    path, opened = sentinel
    port, hits = listener
    planted = {"Key takeaways": hostile(HOSTILE_TRANSLATIONS["img"][0], path, port),
               "Your rights": hostile(HOSTILE_TRANSLATIONS["svg-use"][0], path, port),
               "Get legal help early": hostile(HOSTILE_TRANSLATIONS["a-attachment"][0], path,
                                               port)}
    copy_catalog(tmp_path / "locales", "es", planted)
    contact = write_contact(tmp_path / "org.toml", GOOD_CONTACT)
    status = cli.main(["--locales-dir", str(tmp_path / "locales"), "--locale", "es",
                       "--handout", "287g-basics", "--paper", "a4", "--contact", str(contact),
                       "--out", str(tmp_path / "out"), "-j", "1", "--no-site"])
    err = capsys.readouterr().err
    assert status == 1 and "tag <img> is not allowed" in err and "tag <a> is not allowed" in err
    assert opened == [] and hits == []
    assert not (tmp_path / "out" / "es" / "287g-basics-a4.pdf").exists()


# -- 4. bounded work: absurd input fails fast with a clear message ----------------------------

def test_one_megabyte_message_is_refused(tmp_path):
    copy_catalog(tmp_path, "es", {"Key takeaways": "a" * 1_000_000})
    loaded = catalogs.load("es", tmp_path)
    assert [i.problem for i in loaded.issues] == [
        f"translation is 1000000 characters; the limit is {rules.MAX_MESSAGE_CHARS}"]
    assert "fallback" in loaded.translator().gettext("Key takeaways")


def test_markup_nested_thousands_deep_is_refused(tmp_path):
    nested = "<em>" * 5000 + "Puntos" + "</em>" * 5000
    copy_catalog(tmp_path, "es", {"Key takeaways": nested})
    problems = [i.problem for i in catalogs.load("es", tmp_path).issues]
    assert problems == ["translation is 45006 characters; the limit is 4000"]


def test_nesting_within_the_length_limit_is_one_short_message():
    """A few hundred disallowed tags give one problem, not hundreds of lines."""
    problems = markup.markup_problems("Key takeaways", "<b>" * 900 + "Puntos")
    assert problems == ["tag <b> is not allowed (allowed: strong, em, bdi)"]
    problems = markup.markup_problems("<em>Key</em>", "<em>" * 400 + "x" + "</em>" * 400)
    assert len(problems) == 1 and "(800 tags)" in problems[0] and len(problems[0]) < 200


def test_translation_far_longer_than_its_english_is_refused(tmp_path):
    """Bounds what a whole catalog can ask the layout to set, not just one message: the
    shipped catalogs reach 3.4x on one-word labels; 16x (+200 characters) is refused."""
    copy_catalog(tmp_path, "es", {"Key takeaways": "Puntos clave " * 40})
    issues = catalogs.load("es", tmp_path).issues
    assert [(i.kind, i.problem) for i in issues] == [
        ("length-limit", "translation is 520 characters, more than 16x its English (13) + 200; "
                         "the limit here is 408")]
    assert markup.growth_problem("Key takeaways", "Puntos clave") is None


def test_errors_about_hostile_text_stay_on_one_line(tmp_path):
    """Untrusted text quoted in an error (a msgid, a tag) cannot break the line or send
    terminal escapes: control characters are shown as escapes."""
    path = copy_catalog(tmp_path, "es")
    path.write_text(path.read_text() + '\nmsgid "Evil \x1b[2J\u202e msgid"\n'
                    'msgstr "<strong\\n>x</strong>"\n', encoding="utf-8")
    issues = [str(i) for i in catalogs.load("es", tmp_path).issues]
    assert len(issues) == 1 and is_one_line(issues[0]), issues
    assert 'msgid "Evil \\x1b[2J\\u202e msgid": inline markup <strong\\n> </strong>' in issues[0]


def test_catalog_file_over_the_size_limit_is_refused_unread(tmp_path):
    path = catalog_path(tmp_path, "es")
    path.parent.mkdir(parents=True)
    path.write_bytes(b"#" * (po.MAX_CATALOG_BYTES + 1))
    with pytest.raises(CatalogError, match=r"messages\.po:1: catalog is 2,000,001 bytes; "
                                           r"the limit is 2,000,000"):
        catalogs.load("es", tmp_path)


def test_contact_file_of_megabytes_is_refused(tmp_path):
    path = tmp_path / "huge.toml"
    path.write_text('phone = "(972) 656-0560"\nname = "' + "x" * 3_000_000 + '"\n')
    with pytest.raises(ContactError) as err:
        load_contact(path)
    assert str(err.value) == (f"{path}: contact file is {path.stat().st_size:,} bytes; the limit "
                              "is 64,000")


@pytest.mark.parametrize("nested", ["x = " + "[" * 20000 + "]" * 20000,
                                    "x = " + "{a = " * 8000 + "1" + "}" * 8000])
def test_contact_file_nested_thousands_deep_is_refused(tmp_path, nested):
    """tomllib recurses once per level: without the guard this is a RecursionError traceback."""
    path = tmp_path / "deep.toml"
    path.write_text(nested)
    with pytest.raises(ContactError) as err:
        load_contact(path)
    assert str(err.value) == f"{path}: invalid contact file: values nested too deeply"


def test_fit_loop_stops_when_no_smaller_type_can_fit(monkeypatch):
    """A layout three times its page budget is not laid out again at four more scales."""
    layouts = []

    def huge(self, html, scale=0, print_bleed=None):
        layouts.append(scale)
        return render.Layout(scale, html, SimpleNamespace(pages=[None] * 40), (), ())

    monkeypatch.setattr(render.Renderer, "layout_html", huge)
    with pytest.raises(render.FitError, match=r"needs 40 pages at type scale \d, 3x or more"):
        renderer().fit(Document(BASICS, catalogs.load("en", LOCALES), A4,
                                parse_contact(GOOD_CONTACT)))
    assert len(layouts) == 1


# -- 5. broken input: one-line errors with file and line; nothing else lost -------------------

def test_broken_po_syntax(tmp_path):
    path = copy_catalog(tmp_path, "es")
    text = path.read_text()
    path.write_text(text + '\nmsgid "Key takeaways 2"\nmsgstr "no closing quote\n')
    with pytest.raises(CatalogError) as err:
        catalogs.load("es", tmp_path)
    line = len(text.splitlines()) + 3
    assert str(err.value).startswith(f"{path}:{line}: broken PO syntax: string not closed")


@pytest.mark.parametrize("char", ["\x0c", "\x85", "\u2028"])
def test_line_breaking_characters_inside_a_string_keep_line_numbers(tmp_path, char):
    """Python's splitlines() also breaks at form feed, NEL and U+2028; Babel and editors do
    not. The catalog still reads, and the translation is refused at its real line."""
    path = copy_catalog(tmp_path, "es", {"Key takeaways": f"Puntos{char}clave"})
    assert char in path.read_text()  # written raw inside the quoted string
    loaded = catalogs.load("es", tmp_path)
    line = path.read_text().split("\n").index('msgid "Key takeaways"') + 1
    assert [str(i) for i in loaded.issues] == [
        f'{path}:{line}: error: msgid "Key takeaways": contains invisible control character(s) '
        f"U+{ord(char):04X}: remove them (bidi controls can reorder what a reader sees)"]


def test_nul_character_is_refused_with_its_line(tmp_path):
    """A NUL in a msgid would reach the in-memory .mo, where NUL separates plural forms, and
    crash gettext with a traceback (found by tests/test_property_based.py)."""
    path = copy_catalog(tmp_path, "es")
    text = path.read_text()
    line = text.split("\n").index('msgid "Key takeaways"') + 1
    path.write_text(text.replace('msgid "Key takeaways"', 'msgid "Key\x00takeaways"'))
    with pytest.raises(CatalogError) as err:
        catalogs.load("es", tmp_path)
    assert str(err.value) == f"{path}:{line}: contains a NUL character (U+0000); remove it"


def test_list_survives_an_unknown_locale_folder(tmp_path, capsys):
    shutil.copy(LOCALES / "messages.pot", tmp_path / "messages.pot")
    copy_catalog(tmp_path, "xx_Nope", source="es")
    assert cli.main(["list", "--locales-dir", str(tmp_path)]) == 0
    assert "  xx_Nope  BROKEN: unknown locale code 'xx_Nope'" in capsys.readouterr().out


def test_wrong_encoding_names_the_line(tmp_path):
    path = copy_catalog(tmp_path, "es")
    data = path.read_text().encode("latin-1", errors="replace")
    path.write_bytes(data)
    first_bad = next(i for i, b in enumerate(data) if b >= 0x80)
    line = data[:first_bad].count(b"\n") + 1
    with pytest.raises(CatalogError) as err:
        catalogs.load("es", tmp_path)
    assert str(err.value) == (f"{path}:{line}: not valid UTF-8 (byte 0x{data[first_bad]:02x}); "
                              "save the file as UTF-8")


def test_duplicate_msgid_is_reported_not_merged(tmp_path):
    """Babel's read_po keeps one of two entries silently; the build reports the second."""
    path = copy_catalog(tmp_path, "es")
    text = path.read_text()
    first = text.splitlines().index('msgid "Key takeaways"') + 1
    path.write_text(text + '\nmsgid "Key takeaways"\nmsgstr "Otra cosa"\n')
    with pytest.raises(CatalogError) as err:
        catalogs.load("es", tmp_path)
    line = len(text.splitlines()) + 2
    assert str(err.value) == (f"{path}:{line}: broken PO syntax: duplicate msgid (first defined "
                              f"on line {first})")


def test_wrong_plural_count(tmp_path):
    """Too many forms: Babel refuses the entry (FILE:LINE of it). Too few: the missing form is
    named with the numbers that would print nothing."""
    path = copy_catalog(tmp_path, "es")
    text = path.read_text()
    entry = text.index("msgid_plural")
    entry_line = text.rfind("\nmsgid ", 0, entry)
    entry_line = text.count("\n", 0, entry_line) + 2
    end = text.index("\n\n", text.index("msgstr[1]", entry))
    path.write_text(text[:end] + '\nmsgstr[2] "tercera forma %(num)s"' + text[end:])
    with pytest.raises(CatalogError) as err:
        catalogs.load("es", tmp_path)
    assert str(err.value) == (f"{path}:{entry_line}: broken PO syntax: msg has more translations "
                              "than num_plurals of catalog")
    second = text.index("msgstr[1]", entry)
    path.write_text(text[:second] + text[end:])  # only msgstr[0] left
    issues = catalogs.load("es", tmp_path).issues
    assert [i.problem for i in issues] == ['missing plural form msgstr[1] (CLDR "other": '
                                           'n = 0, 2, 3, ...)']
    assert str(issues[0]).startswith(f"{path}:{entry_line}: error: ")


def test_wrong_plural_forms_header(tmp_path):
    path = copy_catalog(tmp_path, "es")
    path.write_text(path.read_text().replace("nplurals=2; plural=(n != 1);",
                                             "nplurals=3; plural=(n==1 ? 0 : n==2 ? 1 : 2);"))
    line = po.header_line(path, "Plural-Forms")
    issues = [str(i) for i in catalogs.load("es", tmp_path).issues]
    assert issues[0].startswith(f"{path}:{line}: error: header Plural-Forms gives nplurals=3; "
                                "CLDR for es says 'nplurals=2; plural=(n != 1);'"), issues


def test_unknown_locale_folder_names_its_file(tmp_path):
    path = copy_catalog(tmp_path, "xx_Nope", source="es")
    with pytest.raises(CatalogError) as err:
        catalogs.load("xx_Nope", tmp_path)
    message = str(err.value)
    assert message.startswith(f"{path}:") and "unknown locale code 'xx_Nope'" in message


@pytest.mark.parametrize("toml,line,expected", [
    ('phone = "(972) 656-0560"\nname = \n', 2, "invalid TOML: Invalid value (column 8)"),
    ('name = "Casa"\nphone = "call us maybe"\n', 2, "phone 'call us maybe' is not a phone number"),
    ('name = "Casa"\n\nphone = "+1 555"\n', 3, "phone '+1 555' is not a valid phone number"),
    ('phone = "(972) 656-0560"\n"fax\\nnumber\\u001b[2J" = 1\n', 0, "unknown key 'fax\\nnumber"),
    ('phone = "(972) 656-0560"\n[name]\nfirst = "Casa"\n', 2, "name must be str, not dict"),
])
def test_broken_contact_file_is_one_line_with_file_and_line(tmp_path, toml, line, expected):
    path = tmp_path / "org.toml"
    path.write_text(toml)
    with pytest.raises(ContactError) as err:
        load_contact(path)
    message = str(err.value)
    assert message.startswith(f"{path}:{line}: " if line else f"{path}: ")
    assert expected in message and is_one_line(message), message


def test_broken_contact_stops_the_build_and_keeps_earlier_pdfs(tmp_path, capsys):
    out = tmp_path / "out"
    earlier = out / "es" / "287g-basics-a4.pdf"
    earlier.parent.mkdir(parents=True)
    earlier.write_bytes(b"%PDF- an earlier good build")
    path = tmp_path / "org.toml"
    path.write_text('name = "Casa"\nphone = "call us maybe"\n')
    status = cli.main(["--locale", "es", "--paper", "a4", "--contact", str(path),
                       "--out", str(out)])
    err = capsys.readouterr().err
    assert status == 2
    assert len(err.splitlines()) == 1
    assert err.startswith(f"error: {path}:2: phone 'call us maybe' is not a phone number")
    assert earlier.read_bytes() == b"%PDF- an earlier good build"


def test_broken_catalogs_fail_alone_with_one_line_each(tmp_path, capsys):
    """One build, a catalog folder holding every kind of broken catalog next to a good one:
    each broken locale fails with one line naming its file and line, the good locales build,
    the exit status says so, and PDFs from an earlier good build of the broken locales stay."""
    root, out = tmp_path / "locales", tmp_path / "out"
    copy_catalog(root, "es")
    fr = copy_catalog(root, "fr")
    fr.write_text(fr.read_text() + '\nmsgid "x"\nmsgstr "not closed\n')
    pt = copy_catalog(root, "pt_BR")
    pt.write_bytes(pt.read_text().encode("latin-1", errors="replace"))
    vi = copy_catalog(root, "vi")
    vi.write_text(vi.read_text() + '\nmsgid "Key takeaways"\nmsgstr "Lần nữa"\n')
    ru = copy_catalog(root, "ru")
    ru.write_text(ru.read_text().replace("Plural-Forms: nplurals=3;", "Plural-Forms: nplurals=2;"))
    ko = copy_catalog(root, "ko", {"Key takeaways": "a" * 1_000_000})
    xx = copy_catalog(root, "xx", source="es")
    broken = {"fr": fr, "pt_BR": pt, "vi": vi, "ru": ru, "ko": ko, "xx": xx}
    for code in broken:  # an earlier good build of each
        earlier = out / code / "287g-basics-a4.pdf"
        earlier.parent.mkdir(parents=True)
        earlier.write_bytes(f"%PDF- earlier {code}".encode())

    status = cli.main(["--locales-dir", str(root), "--handout", "287g-basics", "--paper", "a4",
                       "--out", str(out), "-j", "2", "--no-site"])
    err = capsys.readouterr().err
    assert status == 1
    failed = {}
    for block in err.split("FAILED ")[1:]:
        label, *problems = block.strip().splitlines()
        failed[label.split("/")[0]] = [p.removeprefix("  - ") for p in problems]
    assert set(failed) == set(broken), err
    for code, path in broken.items():
        assert failed[code], code
        for problem in failed[code]:
            assert is_one_line(problem) and f"{path}:" in problem, problem
        assert (out / code / "287g-basics-a4.pdf").read_bytes() == f"%PDF- earlier {code}".encode()
    assert "broken PO syntax: string not closed" in failed["fr"][0]
    assert "not valid UTF-8" in failed["pt_BR"][0]
    assert "duplicate msgid" in failed["vi"][0]
    assert "msg has more translations than num_plurals of catalog" in failed["ru"][0]
    assert any("translation is 1000000 characters" in p for p in failed["ko"])
    assert "unknown locale code 'xx'" in failed["xx"][0]
    for code in ("en", "es"):
        assert pdf_is_valid(out / code / "287g-basics-a4.pdf")
    manifest = json.loads((out / "manifest.json").read_text())
    assert {r["locale"] for r in manifest["results"] if r["ok"]} == {"en", "es"}


# -- 6. killed midway: earlier PDFs intact ----------------------------------------------------

KILL_ARGS = ["--locale", "en,es", "--handout", "287g-basics", "--paper", "a4", "--no-site"]
OUTPUTS = ("en/287g-basics-a4.pdf", "es/287g-basics-a4.pdf")


@pytest.fixture(scope="module")
def good_build(tmp_path_factory):
    """dist/ from an earlier good build, and a contact file that changes every PDF."""
    root = tmp_path_factory.mktemp("good")
    first, second = root / "first.toml", root / "second.toml"
    write_contact(first, GOOD_CONTACT)
    write_contact(second, {**GOOD_CONTACT, "name": "Otra Casa Legal", "phone": "214-555-0199"})
    assert cli.main([*KILL_ARGS, "--contact", str(first), "--out", str(root / "out")]) == 0
    before = {name: (root / "out" / name).read_bytes() for name in OUTPUTS}
    return root, second, before


def outputs(out: Path) -> list[str]:
    """What a reader of OUT would take for a PDF (the cache and site are not outputs)."""
    return sorted(p.relative_to(out).as_posix() for p in out.rglob("*.pdf")
                  if p.relative_to(out).parts[0] not in (".cache", "site"))


#: Runs the command line, and SIGKILLs itself at the moment the second output PDF is complete
#: in its temporary file but not yet renamed into place: the worst moment to die.
KILL_BETWEEN_WRITE_AND_RENAME = """
import os, signal, sys
from handouts import cli
real_replace, outputs = os.replace, []
def replace(src, dst, *args, **kwargs):
    if str(dst).endswith(".pdf") and "/.cache/" not in str(dst):
        outputs.append(dst)
        if len(outputs) == 2:
            os.kill(os.getpid(), signal.SIGKILL)
    return real_replace(src, dst, *args, **kwargs)
os.replace = replace
sys.exit(cli.main(sys.argv[1:]))
"""


def test_sigkill_between_write_and_rename_keeps_the_earlier_pdf(good_build, tmp_path):
    root, contact, before = good_build
    out = tmp_path / "out"
    shutil.copytree(root / "out", out)
    args = [*KILL_ARGS, "--contact", str(contact), "--out", str(out), "-j", "1"]
    proc = subprocess.run([sys.executable, "-c", KILL_BETWEEN_WRITE_AND_RENAME, *args],
                          cwd=PROJECT, env={**os.environ, "PYTHONPATH": str(PROJECT)},
                          capture_output=True, timeout=300)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()[-2000:]
    new_en, es = out / OUTPUTS[0], out / OUTPUTS[1]
    assert new_en.read_bytes() != before[OUTPUTS[0]] and pdf_is_valid(new_en)
    assert es.read_bytes() == before[OUTPUTS[1]] and pdf_is_valid(es)
    left = list(es.parent.glob(".287g-basics-a4.pdf.*.tmp"))
    assert left and left[0].stat().st_size > 1000  # died with the new PDF complete, not renamed
    assert outputs(out) == sorted(OUTPUTS)          # the temporary file is not an output
    # The next build finishes the job and lists only real outputs.
    assert cli.main(args) == 0
    assert es.read_bytes() != before[OUTPUTS[1]] and pdf_is_valid(es)
    manifest = json.loads((out / "manifest.json").read_text())
    assert sorted(r["file"] for r in manifest["results"]) == sorted(OUTPUTS)


def test_sigkill_during_a_build_leaves_every_earlier_pdf_intact(good_build, tmp_path):
    """Killed (with its worker processes) as soon as the first new PDF is in place."""
    root, contact, before = good_build
    out = tmp_path / "out"
    shutil.copytree(root / "out", out)
    proc = subprocess.Popen([sys.executable, "build_pdf.py", *KILL_ARGS, "--contact",
                             str(contact), "--out", str(out), "-j", "1", "--force"],
                            cwd=PROJECT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 300
        while proc.poll() is None and time.monotonic() < deadline:
            if any((out / name).read_bytes() != before[name] for name in OUTPUTS):
                break
            time.sleep(0.02)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)  # the build and any worker it started
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    changed = [name for name in OUTPUTS if (out / name).read_bytes() != before[name]]
    assert changed and len(changed) < len(OUTPUTS)  # killed midway
    for name in OUTPUTS:
        assert pdf_is_valid(out / name)             # old or new, always whole
    assert outputs(out) == sorted(OUTPUTS)
