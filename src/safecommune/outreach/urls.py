from django.urls import path

from safecommune.outreach import views

urlpatterns = [
    path("communes/<str:code>/feedback/", views.feedback_new, name="feedback-new"),
    path("communes/<str:code>/feedback/inbox/", views.feedback_inbox, name="feedback-inbox"),
    path("feedback/<int:id>/", views.feedback_detail, name="feedback-detail"),
    path("receipts/", views.receipt_lookup, name="receipt-lookup"),
]
