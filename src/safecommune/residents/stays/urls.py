from django.urls import path

from safecommune.residents.stays import views

# Staff pages, under /residents/stays/.
urlpatterns = [
    path("", views.stays_home, name="stays-home"),
    path("new/", views.stay_new, name="stay-new"),
    path("<int:id>/", views.stay_detail, name="stay-detail"),
    path("accommodations/<int:id>/", views.accommodation_register, name="stay-register"),
]

# Public pages, at the top level: a host notifies a stay without an account.
public_urlpatterns = [
    path("communes/<str:code>/stays/notify/", views.stay_notify_public, name="stay-notify"),
    path("stays/receipt/", views.stay_receipt, name="stay-receipt"),
]
