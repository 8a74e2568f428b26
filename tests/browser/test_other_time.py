"""In a browser: Kari, on a phone, asks for another time for her invited conversation on
its page, from the times when she and Ola are both free, with a short message; Ola finds
it as a card on his home page and accepts it with one click; the conversation moves, and
both get the updated invitation (SEQUENCE + 1)."""

from django.utils import timezone

from samtale.conversations.models import Conversation, TimeProposal
from samtale.notifications.models import OutboundEmail
from tests.browser.conftest import DEMO_PASSWORD

S = Conversation.Status


def test_kari_proposes_a_time_on_her_phone_and_ola_accepts_it_in_one_click(visitor_factory, demo):
    kari_person, ola_person = demo["employee"], demo["leader"]
    conversation = Conversation.objects.get(
        employee=kari_person, leader=ola_person, status__in=(S.INVITED, S.PREPARED)
    )
    sequence = conversation.ics_sequence

    kari = visitor_factory("other-time-kari", width=390, height=844)
    kari.login(kari_person.email, DEMO_PASSWORD)
    kari.goto(f"/samtaler/{conversation.pk}/")
    kari.page.click(f"a[href='/samtaler/{conversation.pk}/ny-tid/']")
    kari.check("propose")
    first = kari.page.locator("input[name=suggested]").first
    chosen = first.get_attribute("value")
    first.check()
    kari.page.fill("#id_message", "Jeg har vakt den dagen.")
    kari.submit("main form.narrow button[type=submit]")
    assert kari.page.url.endswith(f"/samtaler/{conversation.pk}/")
    assert "Du foreslo et annet tidspunkt" in kari.page.locator("#other-time").inner_text()
    kari.check("proposed")

    ola = visitor_factory("other-time-ola")
    ola.login(ola_person.email, DEMO_PASSWORD)
    card = ola.page.locator(".other-times-card", has_text=kari_person.full_name)
    assert "Jeg har vakt den dagen." in card.inner_text()
    ola.check("home-card")
    ola.submit(f".other-times-card form[action='/samtaler/{conversation.pk}/ny-tid/godta/'] button")
    assert "Samtalen er flyttet" in ola.page.locator("main").inner_text()
    ola.check("moved")

    moved = Conversation.objects.get(pk=conversation.pk)
    assert timezone.localtime(moved.scheduled_at).strftime("%Y-%m-%dT%H:%M") == chosen
    assert moved.ics_sequence == sequence + 1
    updates = OutboundEmail.objects.filter(
        kind="invitation_update", ref__conversation=conversation.pk
    ).values_list("to_id", "ref__sequence")
    assert sorted(updates) == sorted(
        [(kari_person.pk, moved.ics_sequence), (ola_person.pk, moved.ics_sequence)]
    )
    # Answered: the message is gone.
    assert list(TimeProposal.objects.values_list("outcome", "message")) == [("accepted", "")]
