"""PDFs from HTML with WeasyPrint, fetching only the project's own static files.

Templates link their stylesheet as `aligns-static:/css/<file>.css`; any other address
(the internet, the file system) is refused, so a PDF can never reach out of the project.
"""

import mimetypes

from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

STATIC_PREFIX = "aligns-static:/"


class StaticOnlyFetcher(URLFetcher):
    """WeasyPrint's fetcher: the project's own static files, nothing else."""

    def fetch(self, url, headers=None):
        if not url.startswith(STATIC_PREFIX):
            raise ValueError(f"PDFs fetch only the project's own static files, not {url}")
        try:
            path = finders.find(url.removeprefix(STATIC_PREFIX))
        except SuspiciousFileOperation:
            path = None
        if not path:
            raise ValueError(f"No static file {url}")
        content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
        with open(path, "rb") as handle:
            return URLFetcherResponse(url, handle.read(), {"Content-Type": content_type})


def pdf_layout(html):
    """The HTML laid out on pages (a WeasyPrint document: `.pages`, `.write_pdf()`)."""
    return HTML(string=html, url_fetcher=StaticOnlyFetcher(), base_url=STATIC_PREFIX).render()
