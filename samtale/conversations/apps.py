from django.apps import AppConfig


class ConversationsConfig(AppConfig):
    name = "samtale.conversations"
    label = "conversations"

    def ready(self):
        # Registers the e-mail builders, the periodic jobs, the picker sources and the handler
        # of the answers to invitations that come back to the calendar address
        # (notifications.inbox).
        from samtale.conversations import emails, jobs, notices, pickers  # noqa: F401
        from samtale.conversations.services import replies  # noqa: F401
