from django.urls import path

from safecommune.residents.residence import views

urlpatterns = [
    path("persons/<int:id>/residence/", views.person_residence, name="person-residence"),
    path("work-lists/", views.work_lists, name="residence-work-lists"),
]
