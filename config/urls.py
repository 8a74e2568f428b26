from samtale.accessibility import urls as accessibility
from samtale.accounts import urls as accounts
from samtale.actions import urls as actions
from samtale.api import urls as api
from samtale.archive import urls as archive
from samtale.audit import urls as audit
from samtale.calendars import urls as calendars
from samtale.competence import urls as competence
from samtale.conversations import urls as conversations
from samtale.core import urls as core
from samtale.guides import urls as guides
from samtale.home import urls as home
from samtale.insight import urls as insight
from samtale.needs import urls as needs
from samtale.notifications import urls as notifications
from samtale.org import urls as org
from samtale.priorities import urls as priorities
from samtale.privacy import urls as privacy
from samtale.rounds import urls as rounds
from samtale.scim import urls as scim
from samtale.signing import urls as signing

# One flat list, not an include() per app: most apps' paths share the root, and
# resolving through seven includes cost each page more than its own lookup. The
# conversations' 28 paths all start with samtaler/ and sit under that one prefix.
urlpatterns = [
    *home.urlpatterns,
    *core.urlpatterns,
    *accessibility.urlpatterns,
    *accounts.urlpatterns,
    *org.urlpatterns,
    *calendars.urlpatterns,
    *guides.urlpatterns,
    *conversations.urlpatterns,
    *signing.urlpatterns,
    *actions.urlpatterns,
    *rounds.urlpatterns,
    *notifications.urlpatterns,
    *insight.urlpatterns,
    *needs.urlpatterns,
    *priorities.urlpatterns,
    *competence.urlpatterns,
    *archive.urlpatterns,
    *audit.urlpatterns,
    *privacy.urlpatterns,
    *scim.urlpatterns,
    *api.urlpatterns,
]

handler400 = "samtale.core.views.error_400"
handler403 = "samtale.core.views.error_403"
handler404 = "samtale.core.views.error_404"
handler500 = "samtale.core.views.error_500"
