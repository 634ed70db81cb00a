"""GeoReport v2 under ``/open311/v2/``: every resource takes a ``.json`` or ``.xml`` suffix."""

from django.urls import re_path

from safecommune.reports.open311 import views

app_name = "open311"

FMT = r"\.(?P<fmt>\w+)$"

urlpatterns = [
    re_path(r"^services" + FMT, views.service_list, name="services"),
    re_path(r"^services/(?P<code>[^/]+?)" + FMT, views.service_definition,
            name="service-definition"),
    # The singular form some older clients call.
    re_path(r"^service/(?P<code>[^/]+?)" + FMT, views.service_definition,
            name="service-definition-alias"),
    re_path(r"^requests" + FMT, views.requests_view, name="requests"),
    re_path(r"^requests/(?P<id>[^/]+?)" + FMT, views.request_detail, name="request"),
    re_path(r"^tokens/(?P<token>[^/]+?)" + FMT, views.token_detail, name="token"),
]
