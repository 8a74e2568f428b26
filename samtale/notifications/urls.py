from django.urls import path

from samtale.notifications import views

urlpatterns = [
    # For local development only (DEBUG): the e-mails written to var/mail/.
    path("utvikling/epost/", views.dev_mail_list, name="dev_mail_list"),
    path("utvikling/epost/<str:name>/", views.dev_mail_detail, name="dev_mail_detail"),
    # Mail to the calendar address, posted by a mail server (notifications.inbox).
    path("kalender/innboks/", views.calendar_inbound, name="calendar_inbound"),
]
