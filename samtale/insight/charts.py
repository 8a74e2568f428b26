"""Bar charts drawn on the server as SVG (templates insight/_bars.html): no script, no chart
library, a title and a description for screen readers, and the same figures in a table
beside each chart. This module only works out where each bar goes."""

from dataclasses import dataclass

from django.utils.functional import Promise

ROW = 28  # px per bar
LABEL = 176  # px for the labels on the left, right-aligned against the bars
WIDTH = 400  # drawn at this size, narrower on a phone (its text stays about 11 px there)
BAR = WIDTH - LABEL - 56  # room for the longest bar and its value on the right
# A label is cut to fit its room: at 13 px a character is at most about 8 px wide on
# average (DejaVu Sans, the widest of the fonts the page may fall back to), so 20 of them
# leave the 168 px before the bars. Longer, the start was cut off by the SVG's edge.
CHAR_PX = 8
LABEL_CHARS = (LABEL - 8) // CHAR_PX


@dataclass(frozen=True)
class Bar:
    label: str
    short: str  # the label cut to fit; the table beside has it whole
    value: float | None
    text: str  # the value as shown at the end of the bar, or "–" when there is none
    y: int
    width: float
    target: bool = False


@dataclass(frozen=True)
class Chart:
    anchor: str  # the id its title and description are named by
    title: str | Promise
    description: str | Promise
    bars: list[Bar]
    height: int
    reference: float | None  # x of a dashed line (a target), or None
    label_width: int = LABEL
    width: int = WIDTH

    @property
    def empty(self) -> bool:
        """Nothing to draw: every value hidden or without anything to count."""
        return all(bar.value is None for bar in self.bars)


def bars(
    anchor: str,
    title: str | Promise,
    description: str | Promise,
    items: list[tuple[str, float | None]],
    *,
    maximum: float = 100,
    suffix: str = " %",
    digits: int = 0,
    reference: float | None = None,
) -> Chart:
    """A horizontal bar per (label, value); a value of None (hidden, or nothing to count) draws
    no bar and says so at its place."""
    drawn = []
    for n, (label, value) in enumerate(items):
        short = label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"
        width = 0 if value is None else max(0.0, min(1.0, value / maximum)) * BAR
        text = "–" if value is None else f"{value:.{digits}f}{suffix}".replace(".", ",")
        drawn.append(
            Bar(label=label, short=short, value=value, text=text, y=n * ROW, width=round(width, 1))
        )
    return Chart(
        anchor=anchor,
        title=title,
        description=description,
        bars=drawn,
        height=max(1, len(drawn)) * ROW + 4,
        reference=None if reference is None else LABEL + reference / maximum * BAR,
    )
