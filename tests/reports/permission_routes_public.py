"""Permission tables of public reporting (issue 5, items 2 and 3): anyone may report and follow
a report with its receipt, signed in or not; the staff pages where reports arrive are the
commune's readers' (another commune's officer sees no Ia Krái report: 404)."""

from __future__ import annotations

from tests.permission_matrix import IA_KRAI, READERS, Route, everyone, table

# The receipt secret travels in a header, which the matrix cannot fill from ``prepare``: the
# prepared receipt is given this secret instead of its random one.
SECRET = "matrix-receipt-secret-0123456789abcdef"


def _jpeg() -> bytes:
    import io

    from PIL import Image

    output = io.BytesIO()
    Image.new("RGB", (8, 8), (20, 120, 60)).save(output, "JPEG")
    return output.getvalue()


def _public_report() -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from safecommune.receipts.models import PublicReceipt
    from safecommune.receipts.services import secret_digest
    from safecommune.reports.public.services import report_submit_public
    from safecommune.territory.models import AdministrativeUnit

    commune = AdministrativeUnit.objects.get(structure="2025", code=IA_KRAI)
    report, issued = report_submit_public(
        commune=commune, category="theft", description="Mất trộm Ma Trận", place="Chợ",
        reporter_name="Người báo Ma Trận",
        photos=[SimpleUploadedFile("p.jpg", _jpeg(), "image/jpeg")])
    PublicReceipt.objects.filter(pk=issued.receipt.pk).update(secret_digest=secret_digest(SECRET))
    return {"id": report.pk, "code": issued.code}


_READ_REPORT = table(404, anonymous=302, **READERS)

PUBLIC_REPORT_ROUTES: dict[str, Route] = {
    "report-public-new": Route("get", f"/communes/{IA_KRAI}/report/", everyone(200)),
    "report-receipt": Route("get", "/receipts/report/", everyone(200)),
    "reports-intake": Route("get", "/reports/intake/",
                            table(403, anonymous=302, other_commune_officer=200, **READERS)),
    "report-detail": Route("get", "/reports/reports/{id}/", _READ_REPORT,
                           prepare=_public_report),
    "report-photo": Route("get", "/reports/reports/{id}/photos/1/", _READ_REPORT,
                          prepare=_public_report),
    "safecommune_api_public_reports_report_submit": Route(
        "post", "/api/v1/public/reports", everyone(201), json=True,
        data='{"commune": "%s", "category": "theft", "description": "Mất trộm Ma Trận", '
             '"place": "Chợ"}' % IA_KRAI),
    "safecommune_api_public_reports_report_status": Route(
        "get", "/api/v1/public/reports/{code}", everyone(200), prepare=_public_report,
        headers={"HTTP_X_RECEIPT_SECRET": SECRET}),
    "safecommune_api_public_reports_report_add": Route(
        "post", "/api/v1/public/reports/{code}/additions", everyone(201),
        prepare=_public_report, json=True, data='{{"text": "Thêm Ma Trận"}}',
        headers={"HTTP_X_RECEIPT_SECRET": SECRET}),
}
