from django.urls import path

from safecommune.reports.public import staff, views

# Public pages, at the top level: a resident reports without an account.
public_urlpatterns = [
    path("communes/<str:code>/report/", views.report_public_new, name="report-public-new"),
    path("receipts/report/", views.report_receipt, name="report-receipt"),
]

# Staff pages, under /reports/ (included by safecommune.reports.urls).
staff_urlpatterns = [
    path("intake/", staff.reports_intake, name="reports-intake"),
    path("reports/<int:id>/", staff.report_detail, name="report-detail"),
    path("reports/<int:id>/photos/<int:position>/", staff.report_photo, name="report-photo"),
]
