from django.apps import AppConfig


class ConversationsConfig(AppConfig):
    name = "samtale.conversations"
    label = "conversations"
