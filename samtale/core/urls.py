from django.urls import path

from samtale.core import views

urlpatterns = [
    path("health/live", views.health_live, name="health_live"),
    path("health/ready", views.health_ready, name="health_ready"),
    # The address of the one check there was before: the process answers (health/live).
    path("helse/", views.health_live, name="health"),
    # Prometheus's scrape (core.metrics): 404 to all but the token or networks configured.
    path("metrics", views.metrics, name="metrics"),
    path("velg/<slug:source>/", views.pick, name="pick"),
]
