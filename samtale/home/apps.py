from django.apps import AppConfig


class HomeConfig(AppConfig):
    """The home page, above the domains it gathers from."""

    name = "samtale.home"
    label = "home"
