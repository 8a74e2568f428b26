from django.apps import AppConfig


class ConversationsConfig(AppConfig):
    name = "samtale.conversations"
    label = "conversations"

    def ready(self) -> None:
        # Registers the e-mail builders, the periodic jobs, the picker sources and the handler
        # of the answers to invitations that come back to the calendar address
        # (notifications.inbox), and tells the guides which rows use a template's version.
        from samtale.conversations import emails, jobs, notices, pickers  # noqa: F401
        from samtale.conversations.models import Conversation
        from samtale.conversations.services import replies  # noqa: F401
        from samtale.guides.selectors import version_users_register

        version_users_register(Conversation)
