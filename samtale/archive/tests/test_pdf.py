"""The signed follow-up form as PDF/A: what it says, in the conversation's language, and
what it never says."""

import io
import re
from typing import Any

import pytest
from pypdf import PdfReader

from samtale.archive import content
from samtale.archive.models import Delivery, SignedForm

from .conftest import NOTE_CANARY, SUMMARY_CANARY


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def _xmp(pdf: bytes) -> str:
    root: Any = PdfReader(io.BytesIO(pdf)).trailer["/Root"]  # a dictionary: pypdf types it wider
    return str(root["/Metadata"].get_object().get_data().decode())


EXPECTED = {
    "nb": {
        "title": "Oppfølgingsskjema etter medarbeidersamtalen",
        "table": "Mål Tiltak Tidsfrist Ansvar",
        "signatures": "Signaturer",
        "page": "Side 1 av 1",
        "responsible": "Medarbeideren",
        "template": "Medarbeidersamtale, versjon 3",
    },
    "nn": {
        "title": "Oppfølgingsskjema etter medarbeidarsamtalen",
        "table": "Mål Tiltak Tidsfrist Ansvar",
        "signatures": "Signaturar",
        "page": "Side 1 av 1",
        "responsible": "Medarbeidaren",
        "template": "Medarbeidarsamtale, versjon 3",
    },
    "en": {
        "title": "Follow-up form after the employee conversation",
        "table": "Goal Action Deadline Responsible",
        "signatures": "Signatures",
        "page": "Page 1 of 1",
        "responsible": "The employee",
        "template": "Annual conversation, version 3",
    },
}


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_the_form_holds_the_table_and_both_signatures_in_the_conversations_language(
    sign, people, language
):
    conversation = sign(language=language)
    form = SignedForm.objects.get(conversation=conversation)
    assert form.language == language
    assert form.pdf, form.render_error
    text = _text(bytes(form.pdf))
    words = EXPECTED[language]
    for key in ("title", "table", "signatures", "page", "responsible", "template"):
        assert words[key] in text, (key, text)
    assert "Bli trygg i fagsystemet" in text and "Kurs i januar" in text
    assert text.count("Emma Testesen") >= 2 and text.count("Leif Testesen") >= 2
    assert "Avdeling 1" not in text or "Team 1" in text  # the employee's own unit
    assert "Team 1" in text and "Skole" in text
    assert form.fingerprint in text.replace(" ", "")


def test_the_form_never_holds_a_preparation_note_or_the_summary(sign):
    form = SignedForm.objects.get(conversation=sign())
    text = _text(bytes(form.pdf))
    assert NOTE_CANARY not in text
    assert SUMMARY_CANARY not in text
    assert NOTE_CANARY not in content.canonical(form.content).decode()
    assert SUMMARY_CANARY not in content.canonical(form.content).decode()


def test_the_file_declares_pdf_a_2a_is_tagged_and_embeds_its_fonts(sign):
    pdf = bytes(SignedForm.objects.get(conversation=sign()).pdf)
    xmp = _xmp(pdf)
    assert 'pdfaid:part="2"' in xmp and 'pdfaid:conformance="A"' in xmp
    reader = PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    assert root["/Lang"] == "nb"
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            descriptor = font.get_object()
            descriptor = (
                descriptor.get("/FontDescriptor")
                or descriptor["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            )
            descriptor = descriptor.get_object()
            assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))


def test_no_special_actions_is_said_in_the_routines_words(sign):
    form = SignedForm.objects.get(conversation=sign(goal=False))
    text = _text(bytes(form.pdf))
    assert (
        "Samtalen er gjennomført. Leder og medarbeider er enige om at det ikke er behov for særskilte tiltak."
        in text
    )
    assert "Tidsfrist" not in text


def test_the_fingerprint_is_the_sha256_of_the_content_as_frozen(sign):
    form = SignedForm.objects.get(conversation=sign())
    assert form.fingerprint == content.fingerprint(form.content)
    assert len(form.fingerprint) == 64


def test_a_pdf_that_cannot_be_made_fails_the_delivery_not_the_signing(sign, monkeypatch):
    from samtale.archive import services

    def broken(*args, **kwargs):
        raise OSError("Pango er borte")

    monkeypatch.setattr(services, "render_pdf", broken)
    conversation = sign()
    assert conversation.status == "signed"
    form = SignedForm.objects.get(conversation=conversation)
    assert not form.pdf and "Pango er borte" in form.render_error
    delivery = form.deliveries.get()
    assert delivery.status == Delivery.Status.FAILED and "Pango er borte" in delivery.error
    monkeypatch.undo()
    assert services.signed_form_render(form=form)
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.WAITING and delivery.error == ""


# The structure tree, as a screen reader walks it (archive.pdf_tags) -----------------------


def _long_form(sign) -> tuple[dict, bytes]:
    """A signed form's content with enough goals for three pages or more, rendered."""
    from samtale.archive.pdf import render_pdf

    form = SignedForm.objects.get(conversation=sign())
    action = {"text": "Et tiltak som tar plass " * 12, "deadline": None, "responsible": "both"}
    goals = [{"goal": f"Mål {n}", "actions": [action] * 3} for n in range(1, 9)]
    data = form.content | {"goals": goals}
    return data, render_pdf(data, form.fingerprint)


def _struct_elements(reader) -> dict[int, object]:
    found = {}
    for number in range(1, reader.trailer["/Size"]):
        obj = reader.get_object(number)  # None for a free entry
        if hasattr(obj, "get") and obj.get("/Type") == "/StructElem":
            found[number] = obj
    return found


def _kids(element) -> list:
    kids = element.get("/K", [])
    kids = kids if isinstance(kids, list) else [kids]
    return [kid for kid in kids if hasattr(kid, "idnum")]


def _tree(reader) -> tuple[object, set[int]]:
    root = reader.trailer["/Root"]["/StructTreeRoot"].get_object()
    seen, todo = set(), list(_kids(root))
    while todo:
        ref = todo.pop()
        if ref.idnum not in seen:
            seen.add(ref.idnum)
            todo.extend(_kids(ref.get_object()))
    return root, seen


def test_every_structure_element_is_in_the_tree_and_the_footer_is_an_artifact(sign):
    import re

    _, pdf = _long_form(sign)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 3
    root, reachable = _tree(reader)
    assert set(_struct_elements(reader)) == reachable
    nums = root["/ParentTree"].get_object()["/Nums"]
    for index, page in enumerate(reader.pages):
        stream = page.get_contents().get_data().decode("latin-1")
        mcids = [int(m) for m in re.findall(r"/MCID (\d+)", stream)]
        entries = nums[nums.index(index) + 1]
        # Every piece of marked content has its element, in the tree.
        assert sorted(mcids) == list(range(len(entries)))
        assert {entry.idnum for entry in entries} <= reachable
        # The footer is page furniture, not content.
        assert "/Artifact\n<</Type /Pagination/Subtype /Footer>>" in stream
    assert f"Side 1 av {len(reader.pages)}" in _text(pdf)


def test_the_header_cells_are_found_by_their_ids(sign):
    _, pdf = _long_form(sign)
    reader = PdfReader(io.BytesIO(pdf))
    root, _ = _tree(reader)
    names = root["/IDTree"].get_object()["/Names"]
    keys = [str(key) for key in names[::2]]
    assert keys == sorted(keys)
    by_id = dict(zip(keys, (ref.idnum for ref in names[1::2]), strict=True))
    elements = _struct_elements(reader)
    ids = {str(e["/ID"]): n for n, e in elements.items() if "/ID" in e}
    assert ids and by_id == ids
    headers = {
        str(header)
        for element in elements.values()
        if element.get("/S") == "/TD"
        for header in element["/A"].get("/Headers", [])
    }
    assert headers and headers <= set(by_id)


def test_the_facts_are_one_list_of_terms_and_what_they_say(sign):
    from samtale.archive.pdf import form_html

    data, pdf = _long_form(sign)
    reader = PdfReader(io.BytesIO(pdf))
    [facts] = [e for e in _struct_elements(reader).values() if e.get("/S") == "/L"]
    items = [kid.get_object() for kid in _kids(facts)]
    assert len(items) == form_html(data, "0" * 64).count("<dt>")
    for item in items:
        assert item["/S"] == "/LI"
        assert [kid.get_object()["/S"] for kid in _kids(item)] == ["/Lbl", "/LBody"]


def _reading_order(reader) -> list[tuple[int, int]]:
    """The marked content as the structure tree reads it, depth first: (page, MCID) pairs.
    A kid is a structure element, an MCID of the element's page, or a marked-content
    reference (/MCR) with its own page."""
    pages = {page.indirect_reference.idnum: index for index, page in enumerate(reader.pages)}
    order: list[tuple[int, int]] = []

    def walk(element, page):
        page = pages.get(element.raw_get("/Pg").idnum, page) if "/Pg" in element else page
        kids = element.get("/K", [])
        for kid in kids if isinstance(kids, list) else [kids]:
            if isinstance(kid, int):
                order.append((page, kid))
                continue
            kid = kid.get_object()
            if kid.get("/Type") == "/MCR":
                order.append(
                    (
                        pages.get(kid.raw_get("/Pg").idnum, page) if "/Pg" in kid else page,
                        kid["/MCID"],
                    )
                )
            elif hasattr(kid, "get") and kid.get("/Type") != "/OBJR":
                walk(kid, page)

    walk(reader.trailer["/Root"]["/StructTreeRoot"].get_object(), 0)
    return order


def test_the_tags_read_in_the_order_the_pages_show(sign):
    """A screen reader reads a tagged PDF in its structure tree's order; the form is laid out
    top to bottom and written in that order. So the tree, read depth first, meets every piece
    of marked content of each page once, in the order it is written, and the pages in turn:
    nothing is read before what stands above it (WCAG 1.3.2 for the signed form)."""
    _, pdf = _long_form(sign)
    reader = PdfReader(io.BytesIO(pdf))
    order = _reading_order(reader)
    assert len(order) == len(set(order)) > 20
    assert order == sorted(order)
    for index, page in enumerate(reader.pages):
        stream = page.get_contents().get_data().decode("latin-1")
        written = [int(m) for m in re.findall(r"/MCID (\d+)", stream)]
        assert [mcid for p, mcid in order if p == index] == written
