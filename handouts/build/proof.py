"""One picture of every locale's first page, side by side, for reviewing a whole set at once."""

from __future__ import annotations

import io
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image, ImageDraw, ImageFont

from ..catalogs import locale_info
from ..files import write_atomically

TILE_WIDTH = 420
COLUMNS = 5
MARGIN = 16
LABEL_HEIGHT = 30


def first_page(pdf_path: Path, width: int = TILE_WIDTH) -> Image.Image:
    document = pdfium.PdfDocument(str(pdf_path))
    try:
        page = document[0]
        scale = width / page.get_width()
        return page.render(scale=scale).to_pil().convert("RGB")
    finally:
        document.close()


def proof_sheet(pdfs: dict[str, Path], locales_dir: Path) -> Image.Image:
    """pdfs: locale code -> PDF. Tiles in the given order, labelled with code and English name
    (a language CLDR does not know is named by its locale.toml in locales_dir)."""
    tiles = {code: first_page(path) for code, path in pdfs.items()}
    tile_h = max(t.height for t in tiles.values())
    rows = (len(tiles) + COLUMNS - 1) // COLUMNS
    cols = min(COLUMNS, len(tiles))
    sheet = Image.new("RGB", (MARGIN + cols * (TILE_WIDTH + MARGIN),
                              MARGIN + rows * (tile_h + LABEL_HEIGHT + MARGIN)), "#8a8f98")
    draw = ImageDraw.Draw(sheet)
    font = ImageFont.load_default(size=18)
    for index, (code, tile) in enumerate(tiles.items()):
        x = MARGIN + (index % COLUMNS) * (TILE_WIDTH + MARGIN)
        y = MARGIN + (index // COLUMNS) * (tile_h + LABEL_HEIGHT + MARGIN)
        info = locale_info(code, locales_dir)
        draw.text((x, y + 4), f"{code}  {info.english_name}  [{info.direction}]", fill="white",
                  font=font)
        sheet.paste(tile, (x, y + LABEL_HEIGHT))
    return sheet


def write_proof(pdfs: dict[str, Path], target: Path, locales_dir: Path) -> Path:
    buffer = io.BytesIO()
    proof_sheet(pdfs, locales_dir).save(buffer, format="PNG", optimize=True)
    write_atomically(target, buffer.getvalue())
    return target
