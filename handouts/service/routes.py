"""The request handlers: (path, handler, methods) in ROUTES, each handler(service, request).

POST handlers validate, start a task (or find its finished object) and redirect to the
object's page with 303; GET pages show an object, or its progress while its task runs.
"""

from __future__ import annotations

import json
from pathlib import Path

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from . import editions, forms, guard, jobs, uploads
from .context import (
    Service,
    busy,
    forbidden,
    not_found,
    object_file,
    settle_briefly,
    static_file,
)
from .storage import digest

SUMMARY = "summary.json"


async def home(service: Service, request: Request) -> Response:
    return service.page(request, "home.html")


async def edition_form(service: Service, request: Request) -> Response:
    return _form_page(service, request, forms.default_form(service.codes))


def _form_page(service: Service, request: Request, form: forms.EditionForm,
               status: int = 200) -> Response:
    return service.page(request, "edition.html", status, form=form,
                        languages=forms.language_choices(service.codes),
                        handouts=forms.handout_choices(), papers=forms.paper_choices(),
                        qr_choices=forms.QR_CHOICES, max_documents=service.config.max_documents)


async def edition_post(service: Service, request: Request) -> Response:
    async with request.form(max_files=0, max_fields=200) as posted:
        if problem := guard.csrf_problem(request.scope, posted):
            return forbidden(problem)
        form, wanted = forms.parse_edition(posted, service.codes, service.config.max_documents)
        action = posted.get("action")
    if wanted is None:
        return _form_page(service, request, form, status=422)
    try:
        if action == "preview":
            return await _start_preview(service, wanted, form.preview_locale)
        return _start_edition(service, wanted)
    except jobs.QueueFull as exc:
        return busy(service, exc)


def _start_edition(service: Service, wanted: editions.EditionRequest) -> Response:
    object_id = digest("edition", service.inputs, wanted.to_json())
    if service.state("editions", object_id) not in ("done", "running"):
        service.start("editions", object_id, jobs.BUILDS, editions.build_edition,
                      lambda folder: (wanted.to_json(), folder, service.templates,
                                      service.locales, service.config.queue))
    return RedirectResponse(f"/editions/{object_id}", status_code=303)


async def _start_preview(service: Service, wanted: editions.EditionRequest,
                         locale: str) -> Response:
    paper = wanted.papers[0]
    object_id = digest("preview", service.inputs, wanted.contact, locale, paper,
                       wanted.print_shop)
    if service.state("previews", object_id) != "done":
        future = service.start("previews", object_id, jobs.PREVIEWS, _preview_task,
                               lambda folder: (wanted.contact, locale, paper, wanted.print_shop,
                                               folder, service.templates, service.locales))
        await settle_briefly(future, service.config.preview_seconds)
    return RedirectResponse(f"/previews/{object_id}", status_code=303)


def _preview_task(contact, locale, paper, print_shop, folder, templates, locales) -> dict:
    """In a worker: the flyer, and its summary beside it for the page."""
    summary = editions.preview_flyer(contact, locale, paper, print_shop, folder, templates,
                                     locales)
    summary.update(locale=locale, paper=paper)
    Path(folder, SUMMARY).write_text(json.dumps(summary, ensure_ascii=False))
    return summary


def _translation_task(code, upload_name, folder, templates, contact) -> dict:
    report = editions.preview_translation(code, upload_name, folder, templates, contact)
    report["upload"] = upload_name
    Path(folder, SUMMARY).write_text(json.dumps(report, ensure_ascii=False))
    return report


def _summary(service: Service, kind: str, object_id: str) -> dict | None:
    folder = service.store.complete(kind, object_id)
    if folder is None:
        return None
    try:
        return json.loads((folder / SUMMARY).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _summary_page(service: Service, request: Request, kind: str, template: str,
                  **context) -> Response:
    """An object's page: its summary when finished, its state while its task runs."""
    object_id = request.path_params["object_id"]
    state = service.state(kind, object_id)
    if state == "missing":
        return not_found()
    return service.page(request, template, object_id=object_id, state=state,
                        reason=service.failed.get(object_id, ""),
                        summary=_summary(service, kind, object_id), **context)


async def preview_page(service: Service, request: Request) -> Response:
    return _summary_page(service, request, "previews", "preview.html", languages={
        c.value: c for c in forms.language_choices(service.codes)})


async def edition_page(service: Service, request: Request) -> Response:
    object_id = request.path_params["object_id"]
    state = service.state("editions", object_id)
    if state == "missing":
        return not_found()
    progress = _progress(service, object_id)
    files = []
    folder = service.store.complete("editions", object_id)
    if folder is not None:
        files = sorted(str(p.relative_to(folder / "dist"))
                       for p in (folder / "dist").glob("*/*.pdf"))
    return service.page(request, "job.html", object_id=object_id, state=state,
                        progress=progress, reason=service.failed.get(object_id, ""), files=files,
                        has_site=folder is not None and (folder / "dist/site/index.html").exists())


def _progress(service: Service, object_id: str) -> editions.Progress:
    try:
        folder = service.store.folder("editions", object_id)
    except ValueError:
        return editions.Progress(state="missing")
    return editions.Progress.read(folder) or editions.Progress()


async def edition_status(service: Service, request: Request) -> Response:
    object_id = request.path_params["object_id"]
    state = service.state("editions", object_id)
    if state == "missing":
        return JSONResponse({"state": "missing"}, status_code=404)
    progress = _progress(service, object_id)
    return JSONResponse({"state": state if state != "done" else progress.state,
                         "done": progress.done, "total": progress.total,
                         "failures": progress.failures,
                         "reason": service.failed.get(object_id, "")},
                        headers={"Cache-Control": "no-store"})


async def edition_file(service: Service, request: Request) -> Response:
    return object_file(service, "editions", request.path_params["object_id"],
                       request.path_params["inner"])


async def edition_site(service: Service, request: Request) -> Response:
    inner = request.path_params.get("inner") or "index.html"
    return object_file(service, "editions", request.path_params["object_id"],
                       "dist/site/" + inner)


async def preview_file(service: Service, request: Request) -> Response:
    return object_file(service, "previews", request.path_params["object_id"],
                       request.path_params["inner"])


async def translate_form(service: Service, request: Request) -> Response:
    return _translate_page(service, request, "", "")


def _translate_page(service: Service, request: Request, error: str, code: str,
                    status: int = 200) -> Response:
    return service.page(request, "translate.html", status, error=error, code=code,
                        languages=forms.language_choices(service.codes[1:]),
                        max_kb=service.config.max_upload_kb)


async def translate_post(service: Service, request: Request) -> Response:
    limit = service.config.max_upload_kb * 1024
    async with request.form(max_files=1, max_fields=5, max_part_size=limit + 1) as posted:
        if problem := guard.csrf_problem(request.scope, posted):
            return forbidden(problem)
        upload = posted.get("catalog")
        requested = str(posted.get("locale", ""))[:20]
        data = await upload.read(limit + 1) if isinstance(upload, UploadFile) else b""
        name = forms.upload_name(getattr(upload, "filename", None))
    try:
        text = uploads.decode(data, limit)
        code = uploads.known_locale(forms.upload_locale(requested, name, text))
    except uploads.UploadError as exc:
        return _translate_page(service, request, str(exc), requested, status=422)
    object_id = digest("translation", service.inputs, code, name, data.hex())
    if service.state("translations", object_id) != "done":
        contact = editions.contact_values(service.sources.contact)

        def arguments(folder: str) -> tuple:
            uploads.overlay(Path(folder), code, data, service.sources.locales)
            return code, name, folder, service.templates, contact
        try:
            future = service.start("translations", object_id, jobs.PREVIEWS,
                                   _translation_task, arguments)
        except jobs.QueueFull as exc:
            return busy(service, exc)
        await settle_briefly(future, service.config.preview_seconds)
    return RedirectResponse(f"/translations/{object_id}", status_code=303)


async def translation_page(service: Service, request: Request) -> Response:
    return _summary_page(service, request, "translations", "translation.html")


async def translation_file(service: Service, request: Request) -> Response:
    inner = request.path_params["inner"]
    return object_file(service, "translations", request.path_params["object_id"], "pdf/" + inner)


async def static(service: Service, request: Request) -> Response:
    return static_file(service, request.path_params["name"])


async def favicon(service: Service, request: Request) -> Response:
    return Response(status_code=204)  # no icon: say so instead of a 404 in every console


async def health(service: Service, request: Request) -> Response:
    return JSONResponse({"ok": True, "locales": len(service.codes)})


ID = "{object_id:str}"
ROUTES = [
    ("/", home, ["GET"]),
    ("/edition", edition_form, ["GET"]),
    ("/edition", edition_post, ["POST"]),
    (f"/editions/{ID}", edition_page, ["GET"]),
    (f"/editions/{ID}/status", edition_status, ["GET"]),
    (f"/editions/{ID}/site/", edition_site, ["GET"]),
    (f"/editions/{ID}/site/{{inner:path}}", edition_site, ["GET"]),
    (f"/editions/{ID}/files/{{inner:path}}", edition_file, ["GET"]),
    (f"/previews/{ID}", preview_page, ["GET"]),
    (f"/previews/{ID}/files/{{inner:path}}", preview_file, ["GET"]),
    ("/translate", translate_form, ["GET"]),
    ("/translate", translate_post, ["POST"]),
    (f"/translations/{ID}", translation_page, ["GET"]),
    (f"/translations/{ID}/files/{{inner:path}}", translation_file, ["GET"]),
    ("/static/{name:str}", static, ["GET"]),
    ("/favicon.ico", favicon, ["GET"]),
    ("/healthz", health, ["GET"]),
]
