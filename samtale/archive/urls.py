from django.urls import path

from samtale.archive import views

urlpatterns = [
    path("skjema/<int:pk>.pdf", views.form_pdf, name="form_pdf"),
    path("arkiv/", views.queue, name="archive_queue"),
    path("arkiv/<int:pk>/pakke.zip", views.package_download, name="archive_package"),
    path("arkiv/<int:pk>/registrert/", views.delivery_confirm, name="archive_confirm"),
    path("arkiv/<int:pk>/angre/", views.delivery_confirm_undo, name="archive_confirm_undo"),
    path("arkiv/<int:pk>/prov-igjen/", views.delivery_retry, name="archive_retry"),
]
