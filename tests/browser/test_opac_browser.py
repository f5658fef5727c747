"""A reader searches the OPAC in a real browser: no diacritics typed, then a facet."""

import re


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
