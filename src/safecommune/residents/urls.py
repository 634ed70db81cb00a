from django.urls import include, path

from safecommune.residents import views

urlpatterns = [
    path("", views.residents_home, name="residents-home"),
    path("persons/new/", views.person_new, name="person-new"),
    path("persons/<int:id>/", views.person_detail, name="person-detail"),
    path("persons/<int:id>/edit/", views.person_edit, name="person-edit"),
    path("persons/<int:id>/photo/", views.person_photo, name="person-photo"),
    path("households/new/", views.household_new, name="household-new"),
    path("households/<int:id>/", views.household_detail, name="household-detail"),
    path("my-household/", views.my_household, name="my-household"),
    path("stays/", include("safecommune.residents.stays.urls")),
    path("", include("safecommune.residents.residence.urls")),
    path("", include("safecommune.residents.transfer.urls")),
]
