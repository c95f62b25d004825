"""HTML to PDF with WeasyPrint, in the child processes planner/exports/pdf.py starts.

The fork server imports this module once, so WeasyPrint, the stylesheets and the fonts are loaded
before any render forks from it. It imports nothing from Django: the web process renders the HTML.
"""

from __future__ import annotations

import gc
import logging
from functools import cache
from pathlib import Path

import weasyprint
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from planner.exports import PAGE_SIZES

STATIC_DIR = Path(__file__).resolve().parents[2] / "static"

# The renderer sees only this made-up scheme as its base URL; the fetcher serves exactly these
# URLs from files under static/ and refuses everything else (file:, http(s):, data:, ...).
ASSET_BASE_URL = "planner-asset:/"
ASSETS = {
    "planner-asset:/css/pdf.css": ("css/pdf.css", "text/css"),
}
STYLESHEET_URL = "planner-asset:/css/pdf.css"

# WeasyPrint logs each layout step at INFO: a dozen lines per PDF.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


class AssetFetcher(URLFetcher):
    def fetch(self, url, headers=None):
        asset = ASSETS.get(url)
        if asset is None:
            # WeasyPrint catches this, logs it, and leaves the resource out.
            raise ValueError(f"The PDF renderer loads only its own assets, not {url[:80]!r}.")
        path, content_type = asset
        return URLFetcherResponse(
            url, body=(STATIC_DIR / path).read_bytes(), headers={"Content-Type": content_type}
        )


@cache
def url_fetcher():
    """Return the only URL fetcher the PDF renderer uses: our own assets, nothing else."""
    return AssetFetcher(allowed_protocols=(), allow_redirects=False)


@cache
def _stylesheets(page_size: str) -> list:
    return [
        weasyprint.CSS(url=STYLESHEET_URL, url_fetcher=url_fetcher()),
        weasyprint.CSS(string=f"@page {{ size: {PAGE_SIZES[page_size]}; }}"),
    ]


# One per process: each render runs in a process of its own.
_FONTS = FontConfiguration()


def write_pdf(html: str, page_size: str) -> bytes:
    """Return `html` laid out as a tagged PDF on `page_size` ("a4" or "letter") pages."""
    return weasyprint.HTML(
        string=html, base_url=ASSET_BASE_URL, url_fetcher=url_fetcher(), media_type="print"
    ).write_pdf(
        stylesheets=_stylesheets(page_size),
        font_config=_FONTS,
        pdf_variant="pdf/ua-1",  # also turns on pdf_tags
        attachments=None,
    )


def send_pdf(connection, html: str, page_size: str) -> None:
    """Write the PDF of `html` to `connection` (the child process's whole job)."""
    connection.send_bytes(write_pdf(html, page_size))
    connection.close()


# Load the fonts and every code path of a render once, in the fork server, for all renders; then
# keep what is loaded out of the collector's sight, or the first collection in each child walks
# (and so copies) the whole inherited heap: 150 ms a render (Python docs, gc.freeze).
write_pdf("<h1>Plan</h1><table><tr><td>x</td></tr></table><pre>code</pre>", "a4")
gc.freeze()
