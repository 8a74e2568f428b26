# The same as bokmål: dates and times as Norwegians write them, in every UI language.
from config.formats.nb.formats import *  # noqa: F403
