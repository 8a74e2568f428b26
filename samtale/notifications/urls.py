from django.urls import path

from samtale.notifications import views

# For local development only (DEBUG): the e-mails written to var/mail/.
urlpatterns = [
    path("utvikling/epost/", views.dev_mail_list, name="dev_mail_list"),
    path("utvikling/epost/<str:name>/", views.dev_mail_detail, name="dev_mail_detail"),
]
