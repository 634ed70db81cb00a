from django.urls import path

from safecommune.reports import exports, hotline, views
from safecommune.reports.mapping import views as mapping
from safecommune.reports.public.urls import staff_urlpatterns as intake_urlpatterns

# Staff pages, under /reports/.
urlpatterns = [
    path("", views.incident_list, name="reports-home"),
    path("map/", mapping.incident_map_page, name="reports-map"),
    path("export.csv", exports.export_csv, name="incident-export-csv"),
    path("export.xlsx", exports.export_xlsx, name="incident-export-xlsx"),
    path("incidents/new/", views.incident_new, name="incident-new"),
    path("incidents/<int:id>/", views.incident_detail, name="incident-detail"),
    path("hotline/", hotline.hotline_home, name="hotline-home"),
    path("hotline/<int:id>/incident/", hotline.hotline_call_incident,
         name="hotline-call-incident"),
]
urlpatterns += intake_urlpatterns
