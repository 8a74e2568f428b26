"""The structure tree of the form's PDF, finished for screen readers (PDF/A-2a, ISO 32000-1
§ 14.7–14.8), as WeasyPrint's `finisher` hook: after the PDF is built, before it is written.

WeasyPrint 70 tags the document well but leaves three things a screen reader stumbles on:

- The page footer (the margin boxes: the form's name, "page 1 of 2") is tagged as marked
  content whose structure elements are never linked into the tree: content that is
  neither in the structure nor an artifact. It becomes what it is, a pagination artifact
  (`/Artifact <</Type /Pagination /Subtype /Footer>> BDC`), and its elements go.
- Table header cells get an `/ID` that the data cells' `/Headers` point to, but the
  structure tree root has no `/IDTree` to find them by: one is added.
- A description list (`dl`) becomes a list with one item per term and one per description.
  Each term and its description become one list item: the term its label (`Lbl`), the
  description its body (`LBody`), as a screen reader announces "7 items" and reads each
  term with what it says.

The form has no other list, so every list whose items each hold one body alone and come in
pairs is read as the form's description list.
"""

import pydyf

PAGINATION = pydyf.Dictionary({"Type": "/Pagination", "Subtype": "/Footer"})


def _number(reference) -> int | None:
    """The object number of an indirect reference (b"12 0 R"), or None for anything else."""
    if isinstance(reference, bytes):
        reference = reference.decode()
    if isinstance(reference, str) and reference.endswith(" 0 R"):
        return int(reference.split()[0])
    return None


def _reference(number: int) -> bytes:
    return f"{number} 0 R".encode()


def finish_structure(document, pdf: pydyf.PDF) -> None:
    """Mend the structure tree of `pdf` in place (see the module's notes)."""
    objects = {obj.number: obj for obj in pdf.objects if getattr(obj, "number", None)}
    root_number = _number(pdf.catalog.get("StructTreeRoot"))
    if root_number is None:
        return
    root = objects[root_number]
    reachable = _reachable(root, objects)
    _footer_to_artifacts(pdf, root, objects, reachable)
    _description_lists(root, objects, reachable)
    _id_tree(pdf, root, objects, reachable)


def _kids(element) -> list[int]:
    return [n for n in (_number(kid) for kid in element.get("K", [])) if n is not None]


def _reachable(root, objects) -> set[int]:
    seen: set[int] = set()
    todo = _kids(root)
    while todo:
        number = todo.pop()
        if number not in seen and number in objects:
            seen.add(number)
            todo.extend(_kids(objects[number]))
    return seen


def _footer_to_artifacts(pdf, root, objects, reachable) -> None:
    """Marked content whose element is not in the tree becomes a pagination artifact."""
    nums = objects[_number(root["ParentTree"])]["Nums"]
    orphan_mcids: dict[int, set[int]] = {}
    for index in range(0, len(nums), 2):
        page, entries = nums[index], nums[index + 1]
        if not isinstance(entries, pydyf.Array):
            continue  # an annotation's entry
        mcids = {mcid for mcid, ref in enumerate(entries) if _number(ref) not in reachable}
        if not mcids:
            continue
        orphan_mcids[page] = mcids
        # MCIDs index the array: the footer is drawn last on each page, so its entries are
        # the last ones and go without renumbering anything.
        if mcids != set(range(len(entries) - len(mcids), len(entries))):
            raise ValueError(f"page {page}: marked content outside the tree is not at its end")
        del entries[len(entries) - len(mcids) :]
    # pydyf keeps the pages as [number, 0, "R", number, 0, "R", …].
    for page_index, page_number in enumerate(pdf.pages["Kids"][::3]):
        orphans = orphan_mcids.get(page_index)
        if not orphans:
            continue
        contents = objects[_number(objects[page_number]["Contents"])]
        operations = contents.stream
        for i, item in enumerate(operations):
            if (
                isinstance(item, pydyf.Dictionary)
                and item.get("MCID") in orphans
                and i + 1 < len(operations)
                and operations[i + 1] == b"BDC"
            ):
                operations[i - 1] = "/Artifact"
                operations[i] = PAGINATION
    # The elements WeasyPrint made for the footer are referenced by nothing now: emptied,
    # so that every structure element in the file is one of the tree's.
    for number, obj in objects.items():
        element = isinstance(obj, pydyf.Dictionary) and obj.get("Type") == "/StructElem"
        if element and number not in reachable:
            obj.clear()


def _description_lists(root, objects, reachable) -> None:
    for number in sorted(reachable):
        element = objects[number]
        if element.get("S") != "/L":
            continue
        items = _kids(element)
        bodies = []
        for item in items:
            kids = _kids(objects[item])
            if objects[item].get("S") != "/LI" or len(kids) != 1:
                break
            if objects[kids[0]].get("S") != "/LBody":
                break
            bodies.append(kids[0])
        else:
            if not items or len(items) % 2:
                continue
            kept = []
            for term_item, description_item, term, description in zip(
                items[::2], items[1::2], bodies[::2], bodies[1::2], strict=True
            ):
                objects[term]["S"] = "/Lbl"
                objects[description]["P"] = _reference(term_item)
                objects[term_item]["K"] = pydyf.Array([_reference(term), _reference(description)])
                objects[description_item].clear()
                reachable.discard(description_item)
                kept.append(_reference(term_item))
            element["K"] = pydyf.Array(kept)


def _id_tree(pdf, root, objects, reachable) -> None:
    """A name tree of every element's /ID, sorted as name trees must be."""
    named = sorted(
        (bytes(str(objects[n]["ID"].string), "utf-8"), n) for n in reachable if "ID" in objects[n]
    )
    if not named:
        return
    names = pydyf.Array()
    for key, number in named:
        names.append(pydyf.String(key.decode()))
        names.append(_reference(number))
    tree = pydyf.Dictionary({"Names": names})
    pdf.add_object(tree)
    root["IDTree"] = tree.reference
