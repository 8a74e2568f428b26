"""The audit log's sentences: action code → how its entries read (audit.words fills them in).

Each sentence is translatable and has named placeholders (listed in audit.words): the actor,
the subject, the conversation or signed form, and the entry's details by their keys. A new
action code gets its sentence in its domain's part (organization, conversations, data);
audit/tests/test_words.py fails until it has one.
"""

from samtale.audit.sentences import conversations, data, organization
from samtale.audit.sentences.base import Words

SENTENCES: dict[str, Words] = organization.SENTENCES | conversations.SENTENCES | data.SENTENCES
