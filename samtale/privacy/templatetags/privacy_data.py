"""What privacy shows on other apps' pages, fetched by the page's template, so the lower
apps' views need not import privacy (the person page's privacy section, a person's own
list of the copies HR asked for): `{% load privacy_data %}{% person_privacy person as privacy %}`,
and `{% copies_about_me as copies %}`. Each asks privacy's selectors, under its policy."""

from django import template

from samtale.privacy import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def person_privacy(context, person):
    """HR's privacy section of a person's page (selectors.person_section); None for others."""
    return selectors.person_section(context["request"].user, person)


@register.simple_tag(takes_context=True)
def copies_about_me(context):
    """HR's requests for a copy of the signed-in person's own data, newest first."""
    return selectors.copies_about_me(context["request"].user)
