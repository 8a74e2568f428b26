"""The access matrix's columns (tests/test_access_matrix.py): the expected status per role,
in the order of testkit.people.ROLES, for the answers many rows share."""

#            anon emp  oemp lead olead ll   hr   admin
ALL_200 = (200, 200, 200, 200, 200, 200, 200, 200)
SIGNED_IN = (302, 200, 200, 200, 200, 200, 200, 200)
ADMIN_ONLY = (302, 403, 403, 403, 403, 403, 403, 200)
ADMIN_ONLY_HIDDEN = (302, 404, 404, 404, 404, 404, 404, 200)
NOT_GET = (405,) * 8
ALL_404 = (404,) * 8
HR_ADMIN = (302, 403, 403, 403, 403, 403, 200, 200)
HR_ADMIN_REDIRECT = (302, 403, 403, 403, 403, 403, 302, 302)
# A conversation's two parties are the employee and the leader.
C = {"pk": "conversation"}
PARTIES_200 = (302, 200, 404, 200, 404, 404, 404, 404)
PARTIES_302 = (302, 302, 404, 302, 404, 404, 404, 404)
PARTIES_403 = (302, 403, 404, 403, 404, 404, 404, 404)
# Refused with a message on the page (the conversation is not at that step yet).
PARTIES_400 = (302, 400, 404, 400, 404, 404, 404, 404)
EMPLOYEE_400_LEADER_403 = (302, 400, 404, 403, 404, 404, 404, 404)
LEADER_ONLY_200 = (302, 403, 404, 200, 404, 404, 404, 404)
LEADER_ONLY_302 = (302, 403, 404, 302, 404, 404, 404, 404)
EMPLOYEE_302_LEADER_403 = (302, 302, 404, 403, 404, 404, 404, 404)
LEADER_302_EMPLOYEE_403 = (302, 403, 404, 302, 404, 404, 404, 404)
