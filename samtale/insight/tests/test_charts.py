"""The bar charts' labels fit the room left of the bars (issue 61: at 1280 px the start of
"Hele organisasjonen" was cut off by the SVG's edge); the browser test measures them."""

from samtale.insight import charts


def test_a_label_is_cut_to_the_room_before_the_bars():
    chart = charts.bars(
        "c", "t", "d", [("Hele organisasjonen", 50.0), ("Sentraladministrasjonen i kommunen", None)]
    )
    whole, cut = chart.bars
    assert whole.short == "Hele organisasjonen"
    assert cut.short.endswith("…") and len(cut.short) == charts.LABEL_CHARS
    for bar in chart.bars:
        assert len(bar.short) * charts.CHAR_PX <= chart.label_width - 8
