"""A reader searches the OPAC in a real browser: no diacritics typed, then a facet."""

import re
from pathlib import Path
from urllib.parse import urlencode

import pytest


def _total(page) -> int:
    return int(re.search(r"\d+", page.inner_text("#hits-title")).group())


def test_search_without_diacritics_finds_a_vietnamese_book(phone_page):
    page = phone_page
    page.goto("/")
    box = page.locator("#opac-q")
    assert box.get_attribute("id") == page.locator("label[for=opac-q]").get_attribute("for")
    box.fill("truyen kieu")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search?q=truyen+kieu*")
    hits = page.inner_text(".hit-list")
    assert "Truyện Kiều" in hits
    # The page fits a 360-pixel phone: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_a_facet_narrows_the_list(page):
    page.goto("/search?q=")
    before = _total(page)
    links = page.locator("a[data-facet='library']")
    counts = [
        int(re.search(r"\((\d+)\)", links.nth(i).inner_text()).group(1))
        for i in range(links.count())
    ]
    smallest = counts.index(min(counts))
    links.nth(smallest).focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**library=*")
    after = _total(page)
    assert after == counts[smallest] and after < before
    assert page.locator("a[data-facet='library'][aria-current='true']").count() == 1


SHOTS = Path("/tmp/shots")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def _no_wcag_violations(page):
    axe_module = pytest.importorskip("axe_playwright_python.sync_playwright")
    results = axe_module.Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    assert not results.response["violations"], results.generate_report()


def test_filters_open_from_a_button_at_the_top_on_a_phone(phone_page):
    page = phone_page
    page.goto("/search?q=nguyen+nhat+anh")
    button = page.locator("summary.facets-button")
    assert button.is_visible()
    # Folded away on a phone, just under the search box (not after every result).
    assert not page.locator("a[data-facet='library']").first.is_visible()
    assert button.bounding_box()["y"] < page.locator(".hit-list").bounding_box()["y"]
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "opac-phone-filters-closed.png"), full_page=False)
    button.focus()
    page.keyboard.press("Enter")
    assert page.locator("a[data-facet='library']").first.is_visible()
    page.screenshot(path=str(SHOTS / "opac-phone-filters-open.png"), full_page=False)
    _no_wcag_violations(page)


def test_did_you_mean_and_odd_queries_on_a_phone(phone_page):
    page = phone_page
    page.goto("/search?q=kinh+van+hao")
    assert "kinh van hoa" in page.inner_text(".suggestion")
    page.locator(".suggestion a").click()
    page.wait_for_url("**q=kinh+van+hoa*")
    assert "Kính vạn hoa" in page.inner_text(".hit-list")
    for query in ("AND OR NOT", "title:(", '"', "-", "x" * 300):
        response = page.goto("/search?" + urlencode({"q": query}))
        assert response.status == 200, query
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, query
    page.screenshot(path=str(SHOTS / "opac-phone-long-word.png"), full_page=True)
    _no_wcag_violations(page)
