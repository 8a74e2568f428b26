"""The audit log's search by person (core.pickers): HR and administrators, anyone, former
staff too."""

from samtale.core import access
from samtale.core.pickers import register
from samtale.org.pickers import of_user, people

register("audit-person", people(access.may_search_audit, of_user(access.people_visible_to)))
