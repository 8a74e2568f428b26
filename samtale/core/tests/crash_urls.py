"""The app's URLs and one that fails, for the error page tests."""

from django.urls import path

from config.urls import handler400, handler403, handler404, handler500  # noqa: F401
from config.urls import urlpatterns as app_patterns


def crash(request):
    raise RuntimeError("a real error")


urlpatterns = [*app_patterns, path("krasj/", crash, name="crash")]
