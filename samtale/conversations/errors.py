"""The conversations' own kinds of domain error."""

from django.utils import formats

from samtale.core.errors import DomainError


class TextTooLong(DomainError):
    """A text over its length limit. The autosave answers with the limit (413, JSON), so the
    page says why and keeps the text instead of trying again as if it were offline."""

    def __init__(self, message: str, *, limit: int, length: int, field: str | None = None):
        super().__init__(message, field=field)
        self.limit = limit
        self.length = length


def grouped(n: int) -> str:
    """A count as the reader writes it (20 000 in Norwegian)."""
    return formats.number_format(n, force_grouping=True)
