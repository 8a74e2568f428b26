from django.urls import path

from samtale.guides import views

urlpatterns = [
    path("maler/", views.guide_list, name="guide_list"),
    path("maler/ny/", views.guide_create, name="guide_create"),
    path("maler/<int:pk>/", views.guide_detail, name="guide_detail"),
    path("maler/<int:pk>/rediger/", views.guide_edit, name="guide_edit"),
    path("maler/<int:pk>/kopier/", views.guide_copy, name="guide_copy"),
    path("maler/<int:pk>/trekk-tilbake/", views.guide_retire, name="guide_retire"),
    path("maler/<int:pk>/gjenopprett/", views.guide_restore, name="guide_restore"),
]
