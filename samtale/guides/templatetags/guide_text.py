from django import template

from samtale.guides.models import localized as _localized

register = template.Library()


@register.filter
def localized(text) -> str:
    """A stored {language: text} in the reader's language: {{ theme.title|localized }}."""
    return _localized(text)
