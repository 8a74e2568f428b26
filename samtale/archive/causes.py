"""Why a package could not be written into the drop folder, or could not reach the archive
over Fiks IO, said in the reader's language.

The worker records the cause as a code with what its sentence names (JSON in
`Delivery.error`), and the archive staff's page and e-mail say it in the reader's language
when they show it: the operating system's and the libraries' own words ("Read-only file
system", "certificate verify failed") are English, and one sentence for every fault ("does
not exist", "could not be reached") sent people looking in the wrong place. What else is
recorded (the archive's own answers, a PDF that could not be made) stays the text it was
recorded as.
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
    "outside_root": _(
        "The drop folder %(path)s is not inside the installation's archive folder "
        "(SAMTALE_ARCHIVE_ROOT): nothing was written there."
    ),
}


class OutsideRoot(PermissionError):
    """The drop folder, its links followed, lies outside SAMTALE_ARCHIVE_ROOT."""


# Fiks IO and Maskinporten (archive.fiks: Unavailable.cause), with what each names.
FIKS = {
    "fiks-certificate": _(
        "The certificate of %(host)s could not be verified against %(bundle)s "
        "(%(reason)s): Samtale sent nothing there."
    ),
    "fiks-unreachable": _("Fiks IO at %(host)s cannot be reached now (%(reason)s)."),
    "fiks-busy": _("Fiks IO could not take the message now (%(status)s)."),
    "fiks-refused": _("Fiks IO refused the message (%(status)s): %(reason)s"),
    "fiks-signin": _(
        "Fiks IO refused the sign-in of the integration %(integration)s: check its id and "
        "password in KS's Fiks forvaltning."
    ),
    "fiks-no-key": _(
        "Fiks IO's catalogue gives no certificate for the archive's account %(account)s."
    ),
    "no-delegation": _(
        "Maskinporten gives no Fiks token for organization %(org)s: the municipality has not "
        "delegated ks:fiks to this installation's supplier in Altinn (%(reason)s)."
    ),
    "token-refused": _("Maskinporten refused a token (%(reason)s)."),
    "maskinporten-unreachable": _("Maskinporten at %(host)s cannot be reached now (%(reason)s)."),
    "no-client": _("No Maskinporten client is set up for this municipality."),
    "certificate-unreadable": _(
        "The Maskinporten client's certificate or key cannot be read (%(reason)s)."
    ),
    "certificate-expiring": _(
        "A certificate Samtale signs in or signs with expires %(date)s: renew it before then."
    ),
    "certificate-expired": _("A certificate Samtale signs in or signs with expired %(date)s."),
}
TLS_MASKINPORTEN = _(
    "Maskinporten's certificate at %(host)s could not be verified against %(bundle)s "
    "(%(reason)s): Samtale sent nothing there."
)
SYSTEM_CAS = _("the system's certificate authorities")


def fiks_cause(cause: str, **params: str) -> str:
    """A Fiks cause recorded as `fiks_error` records one, from its code and words."""
    return json.dumps({"cause": cause, **{k: str(v)[:300] for k, v in params.items()}})


def fiks_error(error) -> str:
    """What a delivery records of an archive.fiks Unavailable: its cause and what its
    sentence names (never a secret: host names, organization numbers, status codes, the
    other side's own words), or, without a cause, the error's text."""
    if error.cause not in FIKS:
        return str(_("The archive could not be reached: %(error)s") % {"error": error})
    return fiks_cause(error.cause, **error.params)


def folder_cause(error: OSError, folder: Path) -> str:
    """The code of what `error`, raised while writing into `folder`, says about it."""
    number = error.errno
    if isinstance(error, OutsideRoot):
        return "outside_root"
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
    """Whether a delivery's recorded error is a drop folder's or Fiks IO's cause (which
    names nobody)."""
    return recorded.startswith('{"cause"')


def error_text(recorded: str) -> str:
    """A delivery's recorded error as the reader reads it: a drop folder's cause in the
    active language, anything else as it was recorded."""
    if not is_cause(recorded):
        return recorded
    try:
        data = json.loads(recorded)
        cause = data["cause"]
        if cause in FIKS:
            template = TLS_MASKINPORTEN if data.get("tls") else FIKS[cause]
            words = {k: str(v) for k, v in data.items()}
            words["bundle"] = words.get("bundle") or str(SYSTEM_CAS)
            return str(template) % _Blank(words)
        template = CAUSES.get(cause, CAUSES["other"])
        return str(template) % {"path": data.get("path", ""), "code": data.get("code", "?")}
    except (ValueError, KeyError, TypeError):
        return recorded


class _Blank(dict):
    """A sentence's words, with a name it takes that was not recorded left empty."""

    def __missing__(self, key: str) -> str:
        return ""
