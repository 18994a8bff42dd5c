"""Charts: no zeros plotted for days to come; text alternatives carry the page's figures (item 10)."""
import re
from datetime import timedelta

from naskah.core.timeutil import wib_today
from naskah.sla import charts, reports


def test_future_days_are_not_plotted_and_the_text_lists_each_day(ctx):
    today = wib_today()
    days = [today + timedelta(days=k) for k in range(-2, 3)]
    svg = str(reports.daily_chart([(d, 2, 1) for d in days], "Harian"))
    # two series x three days so far = six points; none for the two days to come
    assert svg.count('class="point"') == 6
    desc = re.search(r"<desc[^>]*>(.*?)</desc>", svg).group(1)
    first = f"{days[0].day:02d}/{days[0].month:02d}"
    assert f"{first} diterima 2, disampaikan 1" in desc and "belum terjadi" in desc
    assert f"{days[-1].day:02d}/{days[-1].month:02d} diterima" not in desc


def test_percent_is_written_the_indonesian_way():
    assert charts.percent(83.333) == "83,3%" and charts.percent(100.0) == "100,0%"
    svg = str(charts.bar_chart(["Nov 26"], [83.333], title="Kepatuhan", unit="%", max_value=100))
    assert "83,3%" in svg and "83.3" not in svg


def test_dashboard_chart_text_matches_the_page(client, make):
    from tests.factories import login
    login(client, make.user("kasi"))
    body = client.get("/dasbor").get_data(as_text=True)
    descs = " ".join(re.findall(r"<desc[^>]*>(.*?)</desc>", body, re.S))
    assert not re.search(r"\d\.\d+ ?%", descs)      # no "100.0%"
    assert "tidak ada penyampaian" in descs or re.search(r"\d+,\d%", descs)
