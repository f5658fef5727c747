"""The dashboard's charts drawn whole: no label of an axis, a legend or a bar is cut by the
edge of its chart, on a desk screen and on a 360-pixel phone (the network's visits a month
reach the axis top 10.000, whose label was cut 3 pixels at the left)."""

from tests.browser.test_stats_browser import _sign_in

CUT_LABELS = """() => [...document.querySelectorAll('svg.chart')].flatMap(svg => {
  const box = svg.getBoundingClientRect();
  return [...svg.querySelectorAll('text')].filter(text => {
    const r = text.getBoundingClientRect();
    return r.left < box.left - 0.5 || r.right > box.right + 0.5;
  }).map(text => text.textContent);
})"""


def _axis_tops(page):
    return page.locator("svg.chart-months text.axis").all_text_contents()


def test_no_chart_label_is_cut_on_a_desk_screen(page):
    _sign_in(page, "baocao")
    assert "10.000" in _axis_tops(page)
    assert page.evaluate(CUT_LABELS) == []


def test_no_chart_label_is_cut_on_a_phone(phone_page):
    _sign_in(phone_page, "baocao")
    assert "10.000" in _axis_tops(phone_page)
    assert phone_page.evaluate(CUT_LABELS) == []
