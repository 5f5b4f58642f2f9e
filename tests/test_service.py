"""The edition service through its HTTP interface (Starlette's TestClient): forms, jobs,
storage and the guards. The browser tests are in test_service_browser.py."""

from __future__ import annotations

import io
import re
import shutil
import time
import tomllib
import zipfile
from concurrent.futures import Future

import pypdfium2
import pytest
from starlette.testclient import TestClient

from handouts.build.cache import tree_digest
from handouts.contact import parse_contact
from handouts.service import jobs
from handouts.service.app import create_app
from handouts.service.config import ServiceConfig
from handouts.sources import Sources
from tests.conftest import LOCALES

ORG = {"name": "Dallas Immigrant Aid", "phone": "(214) 555-0142", "email": "help@example.org",
       "website": "example.org/287g", "region": "US", "qr": "website"}
BROKEN_PO = b'''msgid ""
msgstr ""
"Language: es\\n"
"Content-Type: text/plain; charset=UTF-8\\n"

msgid "Know your rights"
msgstr "Conozca sus derechos
'''


def pdf_text(data: bytes) -> str:
    document = pypdfium2.PdfDocument(data)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


def token(client: TestClient, path: str = "/edition") -> str:
    return re.search(r'name="csrftoken" value="([^"]+)"', client.get(path).text)[1]


def edition_form(client: TestClient, **changes) -> dict:
    form = {"csrftoken": token(client), **ORG, "locale": ["es", "en"],
            "handout": ["287g-basics"], "paper": ["letter"], "preview_locale": "es",
            "action": "build"}
    form.update(changes)
    return form


def wait_done(client: TestClient, location: str, seconds: float = 180) -> dict:
    deadline = time.monotonic() + seconds  # a bound on a hang, not a speed assertion
    while time.monotonic() < deadline:
        status = client.get(location + "/status").json()
        if status["state"] not in ("running", "queued"):
            return status
        time.sleep(0.5)
    raise AssertionError(f"{location} did not finish")


@pytest.fixture(scope="module")
def service_app(tmp_path_factory):
    storage = tmp_path_factory.mktemp("service")
    app = create_app(ServiceConfig(storage=storage, rate_per_minute=10_000,
                                   posts_per_minute=10_000, max_documents=10))
    yield app
    app.service.queue.close()


@pytest.fixture()
def client(service_app):
    with TestClient(service_app, follow_redirects=False) as test_client:
        yield test_client


# -- pages and headers ------------------------------------------------------------------------

def test_pages_answer_with_security_headers(client):
    for path in ("/", "/edition", "/translate"):
        response = client.get(path)
        assert response.status_code == 200, path
        csp = response.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert 'lang="en"' in response.text


def test_every_form_carries_a_csrf_token_first(client):
    for path in ("/edition", "/translate"):
        form = re.search(r"<form[^>]*>\s*<input ([^>]*)>", client.get(path).text)[1]
        assert 'name="csrftoken"' in form, path  # first field: asgi-csrf reads it first


def test_languages_are_offered_by_their_own_names(client):
    page = client.get("/edition").text
    assert '<span lang="es" dir="ltr">Español</span>' in page
    assert 'lang="ar" dir="rtl"' in page


# -- the edition form -------------------------------------------------------------------------

def test_an_invalid_phone_is_shown_beside_its_field_with_the_values_kept(client):
    response = client.post("/edition", data=edition_form(client, phone="12"))
    assert response.status_code == 422
    page = response.text
    assert 'id="phone-error"' in page and "not a" in page.split('id="phone-error"')[1][:200]
    assert re.search(r'id="phone"[^>]*aria-invalid="true"', page)
    assert 'value="Dallas Immigrant Aid"' in page and 'value="help@example.org"' in page
    assert "Traceback" not in page


def test_markup_in_a_value_is_refused_and_escaped(client):
    response = client.post("/edition", data=edition_form(client, name='<img src=x onerror=1>'))
    assert response.status_code == 422
    assert "<img src=x" not in response.text
    assert "&lt;img src=x onerror=1&gt;" in response.text
    assert 'id="name-error"' in response.text


def test_a_form_without_choices_says_what_to_choose(client):
    form = edition_form(client)
    for key in ("locale", "handout", "paper"):
        form.pop(key)
    page = client.post("/edition", data=form).text
    for words in ("at least one language", "at least one handout", "at least one paper"):
        assert words in page


def test_a_too_large_edition_is_refused_before_it_is_queued(client):
    form = edition_form(client, locale=client.app.service.codes[:6], paper=["letter", "a4"])
    response = client.post("/edition", data=form)
    assert response.status_code == 422 and "12 documents; the limit is 10" in response.text


def test_preview_draws_the_flyer_with_the_organizations_phone(client):
    response = client.post("/edition", data=edition_form(client, action="preview"))
    assert response.status_code == 303
    page = client.get(response.headers["location"])
    png, pdf = (re.search(rf'(?:src|href)="([^"]+\.{ext})"', page.text)[1]
                for ext in ("png", "pdf"))
    image = client.get(png)
    assert image.status_code == 200 and image.content[:4] == b"\x89PNG"
    assert "(214) 555-0142" in pdf_text(client.get(pdf).content)


def test_an_edition_builds_its_pdfs_zip_page_and_contact_file(client):
    response = client.post("/edition", data=edition_form(client))
    assert response.status_code == 303
    location = response.headers["location"]
    status = wait_done(client, location)
    assert status == {"state": "done", "done": 2, "total": 2, "failures": [], "reason": ""}
    archive = zipfile.ZipFile(io.BytesIO(client.get(location + "/files/edition.zip").content))
    names = sorted(archive.namelist())
    assert names == ["287g-handouts/en/287g-basics-letter.pdf",
                     "287g-handouts/es/287g-basics-letter.pdf"]
    assert "(214) 555-0142" in pdf_text(archive.read(names[1]))
    site = client.get(location + "/site/")
    assert site.status_code == 200 and "Dallas Immigrant Aid" in site.text
    contact = tomllib.loads(client.get(location + "/files/contact.toml").text)
    assert parse_contact(contact).phone == parse_contact(ORG).phone
    assert parse_contact(contact).website_url == "https://example.org/287g"


def test_the_same_edition_again_is_served_from_storage(client, monkeypatch):
    first = client.post("/edition", data=edition_form(client)).headers["location"]
    wait_done(client, first)
    submitted = []
    queue = client.app.service.queue
    monkeypatch.setattr(queue, "submit", lambda *a, **k: submitted.append(a))
    again = client.post("/edition", data=edition_form(client, phone="214-555-0142"))
    assert again.headers["location"] == first  # same contact, typed differently: same id
    assert submitted == []


def test_a_document_that_fails_is_reported_and_the_others_build(tmp_path):
    locales = tmp_path / "locales"
    shutil.copytree(LOCALES, locales)
    po = locales / "fr" / "LC_MESSAGES" / "messages.po"
    po.write_text(po.read_text(encoding="utf-8").replace('msgstr ""\n"', 'msgstr "\n"', 1),
                  encoding="utf-8")
    app = create_app(ServiceConfig(storage=tmp_path / "storage"),
                     Sources.shipped(locales=locales))
    try:
        with TestClient(app, follow_redirects=False) as client:
            location = client.post("/edition", data=edition_form(
                client, locale=["es", "fr"])).headers["location"]
            status = wait_done(client, location)
            assert status["state"] == "done" and status["done"] == 2
            assert [f["document"] for f in status["failures"]] == ["fr/287g-basics-letter"]
            assert "messages.po" in status["failures"][0]["reasons"][0]
            page = client.get(location).text
            assert "fr/287g-basics-letter" in page and "es/287g-basics-letter.pdf" in page
    finally:
        app.service.queue.close()


def test_a_restart_keeps_finished_editions(tmp_path):
    config = ServiceConfig(storage=tmp_path)
    app = create_app(config)
    with TestClient(app, follow_redirects=False) as client:
        location = client.post("/edition", data=edition_form(
            client, locale=["en"])).headers["location"]
        wait_done(client, location)
    app.service.queue.close()
    unfinished = tmp_path / "editions" / ("b" * 32)  # a build the stop interrupted
    unfinished.mkdir()
    (unfinished / "edition.zip").write_bytes(b"half")
    again = create_app(config)
    try:
        with TestClient(again) as client:
            assert client.get(location + "/status").json()["state"] == "done"
            assert client.get(location + "/files/edition.zip").status_code == 200
            assert client.get(f"/editions/{'b' * 32}/files/edition.zip").status_code == 404
        assert not unfinished.exists()
    finally:
        again.service.queue.close()


# -- the translator's preview -----------------------------------------------------------------

def upload(client: TestClient, data: bytes, locale: str = "es", name: str = "messages.po"):
    return client.post("/translate", data={"csrftoken": token(client, "/translate"),
                                           "locale": locale},
                       files={"catalog": (name, data, "text/x-gettext-translation")})


def test_a_broken_catalog_shows_file_and_line(client):
    response = upload(client, BROKEN_PO)
    assert response.status_code == 303
    page = client.get(response.headers["location"]).text
    assert re.search(r"<code>messages\.po:\d+</code>", page), page[:2000]
    assert "/tmp" not in page and str(LOCALES) not in page  # no server paths


def test_a_good_catalog_gets_statistics_and_its_flyer(client):
    before = tree_digest(LOCALES)
    data = (LOCALES / "es" / "LC_MESSAGES" / "messages.po").read_bytes()
    data = data.replace(b'msgstr "Conozca sus derechos"', b'msgstr ""', 1)
    page = client.get(upload(client, data, name="es.po").headers["location"]).text
    assert "Words left to translate" in page and "<code>es.po</code>" in page
    png = re.search(r'src="([^"]+\.png)"', page)[1]
    assert client.get(png).content[:4] == b"\x89PNG"
    assert tree_digest(LOCALES) == before  # nothing uploaded touches the project


@pytest.mark.parametrize("data, locale, words", [
    (b"", "es", "empty"),
    (b"\xff\xfe bad", "es", "not UTF-8"),
    (BROKEN_PO, "xx_YY", "not a locale code"),
])
def test_unusable_uploads_are_refused_in_plain_words(client, data, locale, words):
    response = upload(client, data, locale)
    assert response.status_code == 422 and words in response.text


def test_upload_names_never_reach_the_disk_or_the_page_raw(client):
    response = upload(client, BROKEN_PO, name="../../<script>.po")
    page = client.get(response.headers["location"]).text
    assert "<script>.po" not in page and "<code>_script_.po:" in page


# -- guards -----------------------------------------------------------------------------------

def test_posts_without_a_valid_csrf_token_are_refused(client):
    form = edition_form(client)
    form["csrftoken"] = "forged"
    assert client.post("/edition", data=form).status_code == 403
    client.cookies.clear()
    assert client.post("/edition", data=edition_form(client) | {"csrftoken": ""}
                       ).status_code == 403
    files = {"catalog": ("messages.po", BROKEN_PO, "text/plain")}
    assert client.post("/translate", files=files).status_code == 403


def test_oversized_and_malformed_bodies_get_a_status_not_a_traceback(client):
    big = client.post("/translate", content=b"x" * 2_000_000,
                      headers={"content-type": "application/x-www-form-urlencoded"})
    assert big.status_code == 413
    no_boundary = client.post("/translate", content=b"--x\r\n",
                              headers={"content-type": "multipart/form-data"})
    assert no_boundary.status_code == 400
    garbage = client.post("/translate", content=b"\x00" * 100,
                          headers={"content-type": "multipart/form-data; boundary=zz"})
    assert garbage.status_code in (400, 403) and "Traceback" not in garbage.text


def test_urls_name_objects_only(client):
    for path in ("/editions/../../etc/passwd", "/editions/" + "a" * 32 + "/files/../x",
                 "/editions/" + "a" * 32, "/editions/not-an-id/files/edition.zip",
                 "/previews/" + "0" * 32 + "/files/.complete", "/static/index.html",
                 "/static/..%2f..%2fpyproject.toml"):
        assert client.get(path).status_code == 404, path


def test_rate_limits_answer_429_with_retry_after(tmp_path):
    app = create_app(ServiceConfig(storage=tmp_path, posts_per_minute=2))
    try:
        with TestClient(app, follow_redirects=False) as client:
            codes = [client.post("/edition", data=edition_form(client, phone="1")).status_code
                     for _ in range(3)]
            assert codes[:2] == [422, 422] and codes[2] == 429
            refused = client.post("/edition", data=edition_form(client))
            assert int(refused.headers["retry-after"]) >= 1
    finally:
        app.service.queue.close()


class _FullQueue:
    """A queue with no room: what the pages do when every worker is busy."""
    def submit(self, *args, **kwargs) -> Future:
        raise jobs.QueueFull(retry_after=30)

    def running(self, task_id):
        return None

    def close(self):
        pass


def test_a_full_queue_answers_503_with_retry_after_at_once(tmp_path):
    app = create_app(ServiceConfig(storage=tmp_path), queue=_FullQueue())
    with TestClient(app, follow_redirects=False) as client:
        for action in ("build", "preview"):
            response = client.post("/edition", data=edition_form(client, action=action))
            assert response.status_code == 503 and response.headers["retry-after"] == "30"
        assert upload(client, BROKEN_PO).status_code == 503
    assert not any((tmp_path / "editions").iterdir())  # nothing half-made stays


def _sleep(seconds: float) -> str:
    time.sleep(seconds)
    return "slept"


def test_a_task_over_its_time_limit_is_stopped_and_said_so():
    queue = jobs.EmbeddedQueue(build_workers=1, preview_workers=1, queue_size=0,
                               job_seconds=1, preview_seconds=1)
    try:
        future = queue.submit(jobs.BUILDS, "a" * 32, _sleep, 30)
        with pytest.raises(TimeoutError):
            future.result(timeout=60)
        assert "time limit" in jobs.failure_reason(future)
        with pytest.raises(jobs.QueueFull):  # one running, none may wait
            queue.submit(jobs.BUILDS, "b" * 32, _sleep, 0)
            queue.submit(jobs.BUILDS, "c" * 32, _sleep, 0)
    finally:
        queue.close()


def test_settings_come_from_flags_then_environment_then_defaults():
    config = ServiceConfig.from_env({"HANDOUTS_PORT": "9000", "HANDOUTS_HOST": "0.0.0.0"},
                                    host="127.0.0.1")
    assert (config.port, config.host, config.queue_size) == (9000, "127.0.0.1", 8)
    with pytest.raises(ValueError, match="HANDOUTS_PORT"):
        ServiceConfig.from_env({"HANDOUTS_PORT": "eighty"})


def test_binds_to_localhost_by_default():
    assert ServiceConfig().host == "127.0.0.1"


@pytest.mark.parametrize("headers", [{"origin": "https://evil.example"},
                                     {"sec-fetch-site": "cross-site"}])
def test_posts_from_another_site_are_refused_even_with_a_token(client, headers):
    assert client.post("/edition", data=edition_form(client), headers=headers
                       ).status_code == 403


def test_a_catalog_for_a_new_language_is_checked_and_drawn(client):
    """A language the project does not ship yet (Italian): a stub catalog, all English."""
    text = (LOCALES / "messages.pot").read_text(encoding="utf-8").replace(
        '"Content-Type:', '"Language: it\\n"\n"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n'
        '"Content-Type:', 1)
    response = upload(client, text.encode(), locale="", name="it.po")
    page = client.get(response.headers["location"]).text
    assert "<code>it.po</code> (it)" in page
    assert "Untranslated" in page and 'class="page-image"' in page
