from django.urls import path

from safecommune.territory import views

urlpatterns = [
    path("search/", views.search, name="unit-search"),
    path("units/<str:structure>/<str:code>/", views.unit_detail, name="unit-detail"),
    path("communes/<str:code>/", views.commune_home, name="commune-home"),
    path("communes/<str:code>/settings/", views.commune_settings_edit, name="commune-settings"),
    path("communes/<str:code>/villages/new/", views.village_new, name="village-new"),
    path("communes/<str:code>/places/new/", views.place_new, name="place-new"),
]
