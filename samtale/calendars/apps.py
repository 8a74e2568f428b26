from django.apps import AppConfig


class CalendarsConfig(AppConfig):
    name = "samtale.calendars"
    label = "calendars"
