from django.urls import path

from safecommune.worker import views

urlpatterns = [path("", views.jobs, name="jobs")]
