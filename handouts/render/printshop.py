"""Print-shop PDFs: PDF/X-4 that stays tagged (PDF/UA-1), with crop marks outside the bleed.

WeasyPrint's `pdf/x-4` variant writes the output intent (from a `device-cmyk` colour profile:
the FOGRA39 profile that handouts/outputprofile.py makes), /Trapped and an XMP packet, but
leaves out what a preflight also asks for. A finisher adds it just before the file is written:
the output condition's registered name (FOGRA39, in the ICC registry), BleedBox = TrimBox +
bleed (WeasyPrint caps it at 10 pt from the trim), crop marks in the slug in registration
colour (all four inks, painted last so nothing covers them), /DefaultRGB so the palette's RGB
colours are colour-managed (no bare DeviceRGB), GTS_PDFXVersion in the Info dictionary, and an
XMP packet that names both PDF/X-4 and PDF/UA-1, with a DocumentID derived from the file
identifier so the bytes stay reproducible.
"""

from __future__ import annotations

import functools
import hashlib
import io
import uuid
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pydyf
from weasyprint.css import ColorProfile
from weasyprint.pdf.metadata import NS

from .. import outputprofile
from . import imposition

VARIANT = "pdf/x-4"
PDFX_VERSION = "PDF/X-4"
#: The output condition the profile characterizes, as the ICC registry names it.
OUTPUT_CONDITION = "FOGRA39"
REGISTRY = "http://www.color.org"
OUTPUT_CONDITION_INFO = "Coated FOGRA39 (ISO 12647-2:2004)"


class PrintShopError(RuntimeError):
    """The output profile is missing: the message says how to make it."""


@functools.lru_cache(maxsize=4)
def _profile_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise PrintShopError(
            f"{path}: the CMYK output profile for --print-shop is missing ({exc.strerror}); "
            f"{outputprofile.how_to_make(path)}") from None


def profile_digest(path: Path | None = None) -> str:
    """SHA-256 of the output profile's bytes ("absent" without one): a build cache input."""
    try:
        return hashlib.sha256(_profile_bytes(path or outputprofile.profile_path())).hexdigest()
    except PrintShopError:
        return "absent"


def cmyk_profile(path: Path | None = None) -> ColorProfile:
    """The output intent's profile, as WeasyPrint's `@color-profile device-cmyk` would load it."""
    path = path or outputprofile.profile_path()
    return ColorProfile(io.BytesIO(_profile_bytes(path)), str(path), "relative-colorimetric",
                        ["c", "m", "y", "k"])


def write_options(document: Any, bleed_pt: float, identifier: bytes,
                  profile: Path | None = None) -> dict[str, Any]:
    """write_pdf() options for a print-shop PDF of a laid-out WeasyPrint document; gives the
    document its output profile, and a creation date that is its modification date (PDF/X-4
    wants one, and "now" would make the bytes differ from build to build)."""
    document.color_profiles["device-cmyk"] = cmyk_profile(profile)
    document.metadata.created = document.metadata.created or document.metadata.modified
    return {"pdf_variant": VARIANT, "finisher": Finisher(bleed_pt, identifier)}


def _object(pdf: pydyf.PDF, reference: Any) -> Any:
    return pdf.objects[int(bytes(reference).split()[0])] if isinstance(
        reference, (bytes, bytearray)) else reference


def _box(values: Any) -> imposition.Rect:
    x0, y0, x1, y1 = (float(v) for v in values)
    return imposition.Rect(min(x0, x1), min(y0, y1), abs(x1 - x0), abs(y1 - y0))


def mark_stream(trim: imposition.Rect, bleed_pt: float) -> bytes:
    """Content that restores default user space (the page's own content is wrapped in q ... Q)
    and strokes the crop marks in registration colour, as an artifact."""
    lines = [b"Q", b"/Artifact BMC", b"q",
             f"{imposition.MARK_WIDTH_PT:g} w 0 J 1 1 1 1 K".encode()]
    for x0, y0, x1, y1 in imposition.crop_marks(trim, bleed_pt):
        lines.append(f"{x0:.3f} {y0:.3f} m {x1:.3f} {y1:.3f} l S".encode())
    lines += [b"Q", b"EMC"]
    return b"\n".join(lines)


@dataclass(frozen=True)
class Finisher:
    """WeasyPrint's finisher hook: completes PDF/X-4 on the pydyf PDF before it is written."""
    bleed_pt: float
    identifier: bytes

    def __call__(self, document: Any, pdf: pydyf.PDF) -> None:
        pages = [o for o in pdf.objects if isinstance(o, dict) and o.get("Type") == "/Page"]
        for page in pages:
            self._boxes_and_marks(pdf, page)
        self._default_rgb(pdf, pages)
        self._output_intent(pdf)
        pdf.info["GTS_PDFXVersion"] = pydyf.String(PDFX_VERSION)
        pdf.info["Trapped"] = "/False"
        self._metadata(document, pdf)

    def _boxes_and_marks(self, pdf: pydyf.PDF, page: dict) -> None:
        trim = _box(page["TrimBox"])
        b = self.bleed_pt
        page["BleedBox"] = pydyf.Array([trim.x - b, trim.y - b, trim.right + b, trim.bottom + b])
        before = pydyf.Stream([b"q"], compress=False)
        after = pydyf.Stream([mark_stream(trim, b)], compress=True)
        pdf.add_object(before)
        pdf.add_object(after)
        page["Contents"] = pydyf.Array([before.reference, page["Contents"], after.reference])

    @staticmethod
    def _output_intent(pdf: pydyf.PDF) -> None:
        """Name the registered condition (WeasyPrint writes the profile's model name)."""
        for intent in _object(pdf, pdf.catalog["OutputIntents"]):
            intent = _object(pdf, intent)
            intent["OutputConditionIdentifier"] = pydyf.String(OUTPUT_CONDITION)
            intent["RegistryName"] = pydyf.String(REGISTRY)
            intent["Info"] = pydyf.String(OUTPUT_CONDITION_INFO)

    @staticmethod
    def _default_rgb(pdf: pydyf.PDF, pages: list[dict]) -> None:
        """DeviceRGB stands for sRGB in every resource dictionary (PDF/X-4 allows device
        colour other than the output intent's only through a default colour space)."""
        srgb = (files("weasyprint.pdf") / "sRGB2014.icc").read_bytes()
        profile = pydyf.Stream([srgb], pydyf.Dictionary({"N": 3}), compress=True)
        pdf.add_object(profile)
        spaces = {id(s): s for s in (
            _object(pdf, _object(pdf, page["Resources"]).get("ColorSpace")) for page in pages)
            if isinstance(s, dict)}
        for space in spaces.values():
            space["DefaultRGB"] = pydyf.Array(["/ICCBased", profile.reference])

    def _metadata(self, document: Any, pdf: pydyf.PDF) -> None:
        """One XMP packet for both standards, with a reproducible DocumentID."""
        stream = _object(pdf, pdf.catalog["Metadata"])
        rdf = ElementTree.fromstring(
            document.metadata.generate_rdf_metadata("x", 4, PDFX_VERSION))
        first = rdf.find(f"{{{NS['rdf']}}}Description")
        assert first is not None  # generate_rdf_metadata always writes the conformance first
        first.set(f"{{{NS['pdfuaid']}}}part", "1")
        document_id = uuid.UUID(bytes=bytes.fromhex(self.identifier.decode())[:16])
        for element in first.iter(f"{{{NS['xmpMM']}}}DocumentID"):
            element.text = f"uuid:{document_id}"
        stream.stream = [b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
                         b'<x:xmpmeta xmlns:x="adobe:ns:meta/">'
                         + ElementTree.tostring(rdf, encoding="utf-8")
                         + b'</x:xmpmeta>\n<?xpacket end="r"?>']
