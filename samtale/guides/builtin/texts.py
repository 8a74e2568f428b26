"""The shapes the built-in templates' texts take: every text in bokmål, nynorsk and English,
themes, statements, and the statement groups more than one template uses."""

from collections.abc import Sequence


def t(nb: str, nn: str, en: str) -> dict[str, str]:
    """A text in the three languages."""
    return {"nb": nb, "nn": nn, "en": en}


def theme(
    key: str,
    title: dict,
    *,
    help: dict | None = None,
    prompts: Sequence[dict] = (),
    statements: Sequence[dict] = (),
    goals: bool = False,
    leader_only: bool = False,
    about_leader: bool = False,
) -> dict:
    return {
        "key": key,
        "title": title,
        "help": help or {},
        "prompts": list(prompts),
        "statements": list(statements),
        "goals": goals,
        "leader_only": leader_only,
        "about_leader": about_leader,
    }


def statement(key: str, group: dict, text: dict) -> dict:
    return {"key": key, "group": group, "text": text}


INDIVIDUAL = t("Individuelt", "Individuelt", "Individual")
TEAMWORK = t("Teamarbeid", "Teamarbeid", "Teamwork")
ORGANIZATION = t("Organisasjon", "Organisasjon", "Organization")
