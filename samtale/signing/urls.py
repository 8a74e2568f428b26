from django.urls import path

from samtale.signing import views

urlpatterns = [
    path("samtaler/<int:pk>/signer/", views.conversation_sign, name="conversation_sign"),
]
