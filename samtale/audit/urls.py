from django.urls import path

from samtale.audit import views

urlpatterns = [
    path("logg/", views.audit_search, name="audit_search"),
    path("meg/lest/", views.my_reads, name="my_reads"),
]
