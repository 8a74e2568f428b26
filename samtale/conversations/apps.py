from django.apps import AppConfig


class ConversationsConfig(AppConfig):
    name = "samtale.conversations"
    label = "conversations"

    def ready(self):
        # Registers the e-mail builders, the periodic jobs, the picker sources, the handler of
        # the answers to invitations that come back to the calendar address
        # (notifications.inbox), and what follows a change of line manager (org.signals).
        from samtale.conversations import emails, jobs, notices, pickers  # noqa: F401
        from samtale.conversations.services import handover, replies  # noqa: F401
