from django.apps import AppConfig


class ConversationsConfig(AppConfig):
    name = "samtale.conversations"
    label = "conversations"

    def ready(self):
        # Registers the e-mail builders.
        from samtale.conversations import emails, notices  # noqa: F401
