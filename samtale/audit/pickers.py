"""The audit log's search by person (core.pickers): HR and administrators, anyone, former
staff too."""

from samtale.audit import policy
from samtale.core.pickers import register
from samtale.org import policy as org_policy
from samtale.org.pickers import of_user, people

register("audit-person", people(policy.may_search_audit, of_user(org_policy.people_visible_to)))
