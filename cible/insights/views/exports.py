"""CSV and XLSX exports of a cycle's OKRs and check-ins: whoever may read the cycle may
export what they see of it (a viewer too)."""

import tempfile
from collections.abc import Iterator

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import get_language, override

from cible.insights.tables import TABLES, csv_lines
from cible.lib.http import AuthenticatedHttpRequest
from cible.okrs.models import Cycle
from cible.orgs.access import get_membership

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("csv", "xlsx")


@login_required
def cycle_export(
    request: AuthenticatedHttpRequest, slug: str, pk: int, what: str, fmt: str
) -> HttpResponse | StreamingHttpResponse | FileResponse:
    membership = get_membership(request, slug)
    cycle = get_object_or_404(Cycle, organization=membership.organization, pk=pk)
    if what not in TABLES or fmt not in FORMATS:
        raise Http404
    table = TABLES[what](membership, cycle)
    filename = f"{slug}-{slugify(cycle.name) or cycle.pk}-{what}.{fmt}"
    if fmt == "csv":
        lines = _in_language(csv_lines(table), get_language())
        response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = content_disposition_header(True, filename)
        return response
    from cible.insights.xlsx import write_xlsx  # openpyxl, loaded on first use

    # openpyxl writes the rows to a temporary file, never the whole workbook in memory;
    # FileResponse closes it once sent.
    out = tempfile.TemporaryFile()  # noqa: SIM115
    write_xlsx(table, out)
    out.seek(0)
    return FileResponse(out, as_attachment=True, filename=filename, content_type=XLSX)


def _in_language(lines: Iterator[str], language: str | None) -> Iterator[str]:
    """A streamed body is read after the view returns: keep the reader's language."""
    with override(language):
        yield from lines
