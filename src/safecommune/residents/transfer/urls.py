from django.urls import path

from safecommune.residents.transfer import views

urlpatterns = [
    path("import/", views.import_page, name="residents-import"),
    path("import/<str:job>/", views.import_job, name="residents-import-job"),
    path("export/", views.export, name="residents-export"),
]
