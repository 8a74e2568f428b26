"""The 1–5 scale every Likert statement is answered on."""

from django.utils.translation import gettext_lazy as _

SCALE = [
    (1, _("Strongly disagree")),
    (2, _("Disagree")),
    (3, _("Neither agree nor disagree")),
    (4, _("Agree")),
    (5, _("Strongly agree")),
]
