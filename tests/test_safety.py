"""Untrusted text never loads anything: the fetcher serves only files inside templates/."""

from __future__ import annotations

import shutil
import socket
import threading

import pytest

from handouts import catalogs, content
from handouts.contact import parse_contact
from handouts.render import Document, Renderer
from handouts.render.fetcher import AssetFetcher, RefusedURL
from tests.conftest import LOCALES, TEMPLATES


@pytest.fixture()
def listener():
    """A loopback TCP port that records whether anything connected to it."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.2)
    hits = []

    def accept():
        try:
            conn, _ = server.accept()
            hits.append(conn)
        except OSError:
            pass

    thread = threading.Thread(target=accept)
    thread.start()
    yield server.getsockname()[1], hits
    thread.join()
    server.close()


@pytest.mark.parametrize("url", ["file:///etc/hostname", "http://127.0.0.1:9/x.png",
                                 "https://example.org/x.css", "data:text/plain,hi",
                                 "file:///" + str(TEMPLATES) + "/../pyproject.toml"])
def test_fetcher_refuses_outside_urls(url):
    with pytest.raises(RefusedURL):
        AssetFetcher(TEMPLATES).fetch(url)


def test_fetcher_serves_own_assets():
    response = AssetFetcher(TEMPLATES).fetch((TEMPLATES / "handouts.css").as_uri())
    assert b"@page" in response.read()


def test_urls_planted_in_a_template_are_refused(tmp_path, listener):
    port, hits = listener
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    page = templates / "handouts" / "287g-basics.html"
    page.write_text(page.read_text().replace(
        "{% block body %}",
        '{% block body %}<img src="file:///etc/hostname" alt="">'
        f'<img src="http://127.0.0.1:{port}/leak.png" alt="">', 1))
    renderer = Renderer(templates)
    html = renderer.html(Document(content.HANDOUTS["287g-basics"], catalogs.load("en", LOCALES),
                                  content.PAPERS["a4"], parse_contact({"phone": "(972) 656-0560"})))
    laid_out = renderer.layout_html(html)
    renderer.write(laid_out)
    assert "file:///etc/hostname" in laid_out.refused_urls
    assert f"http://127.0.0.1:{port}/leak.png" in laid_out.refused_urls
    assert hits == []


def test_markup_in_a_translation_is_rejected_and_escaped(tmp_path):
    po = tmp_path / "es" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: es\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Key takeaways"\n'
        'msgstr "Puntos <img src=\\"file:///etc/hostname\\"> clave"\n', encoding="utf-8")
    catalog = catalogs.load("es", tmp_path)
    assert any("tag <img> is not allowed" in str(i) for i in catalog.issues)
    assert ":" in str(catalog.issues[0]).split(" error")[0]  # FILE:LINE
    translator = catalog.translator()
    html = str(translator.gettext("Key takeaways"))
    assert "<img" not in html and 'lang="en"' in html  # fell back to English, marked
