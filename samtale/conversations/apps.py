from django.apps import AppConfig


class ConversationsConfig(AppConfig):
    name = "samtale.conversations"
    label = "conversations"

    def ready(self):
        # Registers the e-mail builders and the picker sources.
        from samtale.conversations import emails, notices, pickers  # noqa: F401
