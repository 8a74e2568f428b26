from django.apps import AppConfig


class ConversationsConfig(AppConfig):
    name = "samtale.conversations"
    label = "conversations"

    def ready(self):
        from samtale.conversations import emails  # noqa: F401 (registers the e-mail builders)
