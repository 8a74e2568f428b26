"""Why a package could not be written into the drop folder, said in the reader's language.

The worker records the cause as a code with the folder and the error's name (JSON in
`Delivery.error`), and the archive staff's page and e-mail say it in the reader's language
when they show it: the operating system's own words ("Read-only file system") are English,
and one sentence for every fault ("does not exist") sent people looking in the wrong place.
What other channels record (the archive's answers, a PDF that could not be made) stays
the text it was recorded as.
"""

import errno
import json
from pathlib import Path

from django.utils.translation import gettext_lazy as _

CAUSES = {
    "missing": _("The drop folder %(path)s does not exist."),
    "not_a_folder": _(
        "There is a file where the drop folder %(path)s should be, or in the path to it."
    ),
    "no_permission": _("Samtale is not allowed to write to the drop folder %(path)s."),
    "read_only": _("The drop folder %(path)s is on a file system that only allows reading."),
    "full": _("There is no room left on the disk of the drop folder %(path)s."),
    "name_taken": _("A different file with the same name is already in the drop folder."),
    "other": _("The package could not be written to the drop folder %(path)s (error %(code)s)."),
}


def folder_cause(error: OSError, folder: Path) -> str:
    """The code of what `error`, raised while writing into `folder`, says about it."""
    number = error.errno
    if isinstance(error, NotADirectoryError) or number == errno.ENOTDIR:
        return "not_a_folder"
    if number == errno.EEXIST:
        # Our own check names the folder; a link that finds the package's name taken names
        # the package.
        return "not_a_folder" if error.filename == str(folder) else "name_taken"
    if number == errno.ENOENT:
        return "missing"
    if isinstance(error, PermissionError) or number in (errno.EACCES, errno.EPERM):
        return "no_permission"
    if number == errno.EROFS:
        return "read_only"
    if number in (errno.ENOSPC, errno.EDQUOT):
        return "full"
    return "other"


def folder_error(error: OSError, folder: Path) -> str:
    """What a delivery records of `error`: the cause's code, the folder, the error's name."""
    code = errno.errorcode.get(error.errno, str(error.errno)) if error.errno else ""
    return json.dumps(
        {"cause": folder_cause(error, folder), "path": str(folder), "code": code or "?"}
    )


def is_cause(recorded: str) -> bool:
    """Whether a delivery's recorded error is a drop folder's cause (which names nobody)."""
    return recorded.startswith('{"cause"')


def error_text(recorded: str) -> str:
    """A delivery's recorded error as the reader reads it: a drop folder's cause in the
    active language, anything else as it was recorded."""
    if not is_cause(recorded):
        return recorded
    try:
        data = json.loads(recorded)
        template = CAUSES.get(data["cause"], CAUSES["other"])
        return str(template) % {"path": data.get("path", ""), "code": data.get("code", "?")}
    except (ValueError, KeyError, TypeError):
        return recorded
