"""The two parties of a conversation, as a choice: the invitation's answers
(InvitationAnswer) and the other times proposed (TimeProposal) both name theirs."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Party(models.TextChoices):
    EMPLOYEE = "employee", _("The employee")
    LEADER = "leader", _("The leader")
