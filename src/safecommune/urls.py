from django.contrib import admin
from django.urls import include, path

from safecommune.api.main import api
from safecommune.core import audit_views
from safecommune.core import views as core_views
from safecommune.reports.public import urls as public_report_urls
from safecommune.residents.stays import urls as stays_urls

urlpatterns = [
    # The APIs first: their prefixes are their own, and the public submission (the busiest
    # route) is then matched before the site's pages are tried.
    path("api/v1/", api.urls),
    path("open311/v2/", include("safecommune.reports.open311.urls")),
    path("", core_views.home, name="home"),
    path("language/", core_views.set_language, name="set-language"),
    path("accounts/", include("safecommune.accounts.urls")),
    path("", include("safecommune.territory.urls")),
    path("", include("safecommune.outreach.urls")),
    path("", include(stays_urls.public_urlpatterns)),
    path("", include(public_report_urls.public_urlpatterns)),
    path("residents/", include("safecommune.residents.urls")),
    path("reports/", include("safecommune.reports.urls")),
    path("staff/jobs/", include("safecommune.worker.urls")),
    path("staff/audit/", audit_views.audit_log, name="audit-log"),
    path("admin/", admin.site.urls),
]

handler400 = "safecommune.core.views.bad_request"
handler403 = "safecommune.core.views.permission_denied"
handler404 = "safecommune.core.views.page_not_found"
handler500 = "safecommune.core.views.server_error"
