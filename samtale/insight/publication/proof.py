"""The proof with every period: before a period's figures are kept, the attacker's solver
(publication.solver, written apart from the rule in insight.anonymity) is run over every
figure shown of each measure — this period's, and those of the periods published before
that share its answers — as the sets of answers each sums over. Whoever fetches any of them
(HR the units and the leaders' goal results, a leader their line, a union representative
some units, or anyone who holds two of these roles) fetches a part of these, and whatever a
part lets be computed the whole does too: so no set of fewer than k people computable from
the whole means none from what any viewer can fetch. Shares count as the counts they imply:
every figure is kept with its counts, and the solver asks for sets, whatever their sums.

The period is kept only when the solver finds no such set; what it checked is kept with it
as its certificate (Publication.proof) and shown to HR and to the operators."""

import time
from collections import defaultdict
from dataclasses import asdict, dataclass

from samtale.insight.publication.solver import TooLarge, solve


class Disclosed(Exception):
    """The solver computed a group of fewer than k people from the figures decided: the
    period is not published (the rule in insight.anonymity let something through)."""


@dataclass
class Certificate:
    """What the proof of one period checked."""

    measures: int = 0  # the measures solved (each statement one)
    figures: int = 0  # the figures solved together, this period's and those beside it
    hr_figures: int = 0  # of them, those of the units and of the leaders' goal results
    line_figures: int = 0  # of them, those of a leader's line
    leaders: int = 0  # the leaders with figures of their line
    cells: int = 0  # the cells of answers the figures cover
    classes: int = 0  # the classes of answers no figure tells apart
    rows: int = 0  # the largest system solved: its figures …
    columns: int = 0  # … and its classes
    small_span: int = 0  # the most combinations over small classes one system had
    smallest: int | None = None  # the fewest people in a figure shown
    found: int = 0  # the sets of fewer than k people computed (published only at 0)
    k: int = 0
    seconds: float = 0.0

    def as_json(self) -> dict:
        return asdict(self)


def prove(decision) -> Certificate:
    """Solve every measure of a decided period (publish.Decision.shown); raise Disclosed if
    any set of fewer than k people can be computed, else the certificate."""
    started = time.monotonic()
    k = decision.k
    certificate = Certificate(k=k)
    leaders: set = set()
    problems = []
    for measure, (people, groups) in decision.shown.items():
        if not groups:
            continue
        certificate.measures += 1
        signature: dict = defaultdict(list)
        for index, (label, cells) in enumerate(groups):
            group = label[1] if isinstance(label, tuple) else label
            if group.startswith("l:"):
                certificate.line_figures += 1
                leaders.add(group.split(":")[1])
            else:
                certificate.hr_figures += 1
            for cell in cells:
                signature[cell].append(index)
        by_class: dict = defaultdict(set)
        for cell, where in signature.items():
            by_class[tuple(where)] |= people[cell]
        keys = list(by_class)
        classes = [frozenset(by_class[key]) for key in keys]
        figures: list = [[] for _ in groups]
        for number, key in enumerate(keys):
            for index in key:
                figures[index].append(number)
        try:
            solved = solve(classes, figures, k=k)
        except TooLarge as error:
            raise Disclosed(f"{measure}: {error}") from error
        certificate.figures += solved.figures
        certificate.cells += len(signature)
        certificate.classes += solved.classes
        if solved.system[0] * solved.system[1] > certificate.rows * certificate.columns:
            certificate.rows, certificate.columns = solved.system
        certificate.small_span = max(certificate.small_span, solved.small_span)
        if solved.smallest is not None:
            certificate.smallest = min(certificate.smallest or solved.smallest, solved.smallest)
        if solved.found:
            certificate.found += len(solved.found)
            problems.append(f"{measure}: {len(solved.found)}")
    certificate.leaders = len(leaders)
    certificate.seconds = round(time.monotonic() - started, 3)
    if problems:
        raise Disclosed(
            f"{decision.period}: groups of fewer than {k} computable ({', '.join(problems)})"
        )
    return certificate
