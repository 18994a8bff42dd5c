"""The SVG charts are valid XML, accessible, and draw exactly the given series."""
import base64
import xml.etree.ElementTree as ET

import pytest

from naskah.sla import charts

NS = {"s": "http://www.w3.org/2000/svg"}


def parse(svg):
    return ET.fromstring(str(svg))  # noqa: S314 - parses the app's own SVG output


def test_bar_chart_has_one_bar_per_label_with_values_and_labels():
    labels = ["1", "2", "3", "4", "5"]
    root = parse(charts.bar_chart(labels, [3, 0, 7, None, 2], title="Naskah per langkah", desc="uraian <b>"))
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("role") == "img"
    title, desc = root.find("s:title", NS), root.find("s:desc", NS)
    assert title.text == "Naskah per langkah" and desc.text == "uraian <b>"
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    bars = root.findall(".//s:rect[@class='bar']", NS)
    assert len(bars) == 5
    heights = [float(b.get("height")) for b in bars]
    assert heights[1] == heights[3] == 0 and heights[2] > heights[0] > heights[4] > 0
    assert [b.find("s:title", NS).text for b in bars][2] == "3: 7"
    values = [t.text for t in root.findall(".//s:text[@class='value']", NS)]
    assert values == ["3", "0", "7", "\u2013", "2"]
    assert [t.text for t in root.findall(".//s:text[@class='x-label']", NS)] == labels
    assert root.get("style") is None and "style=" not in str(charts.bar_chart(["a"], [1], title="t"))


def test_bar_chart_highlight_and_unit_and_scale():
    root = parse(charts.bar_chart(["Jan", "Feb"], [50.0, 100.0], title="Kepatuhan", unit="%", max_value=100,
                                  highlight=[False, True]))
    bars = root.findall(".//s:rect", NS)
    assert [b.get("class") for b in bars if "bar" in b.get("class", "")] == ["bar", "bar hi"]
    # the pages' way: one decimal, decimal comma (issue 15)
    assert [t.text for t in root.findall(".//s:text[@class='value']", NS)] == ["50,0%", "100,0%"]
    ticks = [t.text for t in root.findall(".//s:text[@class='tick']", NS)]
    assert ticks == ["0%", "50%", "100%"]


def test_line_chart_has_one_polyline_per_series_and_one_point_per_label():
    labels = [f"{d:02d}/11" for d in range(1, 31)]
    received = list(range(30))
    delivered = [v // 2 for v in received]
    root = parse(charts.line_chart(labels, [("Diterima", received), ("Disampaikan", delivered)],
                                   title="Per hari", label_every=5))
    groups = root.findall(".//s:g[@class]", NS)
    series = [g for g in groups if g.get("class").startswith("series")]
    assert [g.find("s:title", NS).text for g in series] == ["Diterima", "Disampaikan"]
    for g in series:
        (line,) = g.findall("s:polyline", NS)
        assert len(line.get("points").split()) == 30
        assert len(g.findall("s:circle", NS)) == 30
    shown = [t.text for t in root.findall(".//s:text[@class='x-label']", NS)]
    assert shown == ["01/11", "06/11", "11/11", "16/11", "21/11", "26/11", "30/11"]
    legend = [t.text for t in root.findall(".//s:g[@class='legend']/s:text", NS)]
    assert legend == ["Diterima", "Disampaikan"]
    short = parse(charts.line_chart(labels[:27], [("s", received[:27])], title="t", label_every=5))
    shown = [t.text for t in short.findall(".//s:text[@class='x-label']", NS)]
    assert shown[-2:] == ["21/11", "26/11"]        # 27/11 would collide with 26/11


def test_labels_are_escaped_and_lengths_checked():
    root = parse(charts.bar_chart(["<a&b>"], [1], title="x < y & z"))
    assert root.find("s:title", NS).text == "x < y & z"
    assert root.find(".//s:text[@class='x-label']", NS).text == "<a&b>"
    with pytest.raises(ValueError):
        charts.bar_chart(["a", "b"], [1], title="t")
    with pytest.raises(ValueError):
        charts.line_chart(["a", "b"], [("s", [1])], title="t")


def test_empty_and_all_zero_charts_are_still_valid():
    parse(charts.bar_chart([], [], title="kosong"))
    parse(charts.line_chart(["a"], [("s", [0])], title="satu titik"))
    root = parse(charts.bar_chart(["a", "b"], [0, 0], title="nol"))
    assert [t.text for t in root.findall(".//s:text[@class='tick']", NS)] == ["0", "0,5", "1"]


def test_data_uri_round_trip():
    svg = charts.bar_chart(["a"], [1], title="t")
    uri = charts.data_uri(svg)
    assert uri.startswith("data:image/svg+xml;base64,")
    assert base64.b64decode(uri.split(",", 1)[1]).decode() == str(svg)


def test_count_charts_have_whole_ticks_and_decimal_commas():
    root = parse(charts.line_chart(["a", "b"], [("s", [0, 1])], title="t"))
    assert [t.text for t in root.findall(".//s:text[@class='tick']", NS)] == ["0", "1", "2"]
    root = parse(charts.bar_chart(["a", "b"], [0.44, 1.916], title="t", unit=" j"))
    assert [t.text for t in root.findall(".//s:text[@class='value']", NS)] == ["0,44 j", "1,92 j"]
