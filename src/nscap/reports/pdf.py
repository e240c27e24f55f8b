"""The regional report as PDF, rendered by WeasyPrint from the print template.

WeasyPrint is an optional extra (``pip install 'nscap[pdf]'``) and needs Pango from the system
(Debian: ``libpango-1.0-0 libpangoft2-1.0-0``) and, for Chinese, Japanese and Korean names,
``fonts-noto-cjk``. When either is missing, ``render_pdf`` raises ``PdfUnavailable`` with what
to install; the page, the workbook and the API work without it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from nscap.reports.params import RegionalParams

STYLESHEET = Path(__file__).resolve().parent / "static" / "reports" / "report.css"


class PdfUnavailable(RuntimeError):
    """PDF cannot be made on this machine; the message says what to install."""


def _weasyprint() -> Any:
    try:
        import weasyprint
    except ImportError as error:
        raise PdfUnavailable(
            _(
                "PDF needs WeasyPrint: install the 'pdf' extra (pip install 'nscap[pdf]'). "
                "(%(error)s)"
            )
            % {"error": error}
        ) from error
    except OSError as error:  # the package is there, the system's Pango is not
        raise PdfUnavailable(
            _(
                "PDF needs the Pango library: apt-get install libpango-1.0-0 libpangoft2-1.0-0 "
                "fonts-noto-cjk. (%(error)s)"
            )
            % {"error": error}
        ) from error
    return weasyprint


def print_html(report: dict[str, Any]) -> str:
    """The report as one self-contained HTML file (its stylesheet inline): the PDF's input and
    the CLI's ``--format html``."""
    stylesheet = STYLESHEET.read_text(encoding="utf-8")
    return render_to_string(
        "reports/regional_print.html", {"report": report, "stylesheet": stylesheet}
    )


def render_pdf(report: dict[str, Any], params: RegionalParams) -> bytes:
    """The report as PDF bytes; ``PdfUnavailable`` when WeasyPrint or Pango is missing."""
    weasyprint = _weasyprint()
    html = print_html(report)
    return weasyprint.HTML(string=html).write_pdf()
