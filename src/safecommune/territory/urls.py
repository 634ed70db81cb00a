from django.urls import path

from safecommune.territory import views

urlpatterns = [
    path("search/", views.search, name="unit-search"),
    path("units/<str:structure>/<str:code>/", views.unit_detail, name="unit-detail"),
    path("communes/<str:code>/", views.commune_home, name="commune-home"),
]
