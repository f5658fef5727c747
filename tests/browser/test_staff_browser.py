"""A librarian signs in and registers a reader, by keyboard, in a real browser."""

from tests.browser.conftest import STAFF_PASSWORD


def test_librarian_signs_in_and_registers_a_reader(page):
    page.goto("/login")
    page.get_by_label("Tên đăng nhập hoặc số thẻ").fill("thuthu")
    page.get_by_label("Mật khẩu").fill(STAFF_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/staff")
    assert "Hôm nay" in page.inner_text("h1")

    page.goto("/staff/readers/new")
    page.get_by_label("Họ và tên").fill("Lường Thị Xuân")
    page.get_by_label("Ngày sinh").fill("2001-02-03")
    page.get_by_label("Đối tượng").select_option("student")
    page.get_by_label("Thư viện cấp thẻ").select_option("TVLC")
    page.get_by_label("Dân tộc").select_option("03")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url("**/staff/readers/BD*")
    assert "Lường Thị Xuân" in page.inner_text("h1")
    assert "Đã đăng ký bạn đọc" in page.inner_text(".flashes")


def test_empty_name_is_explained_on_the_page(page):
    page.goto("/login")
    page.get_by_label("Tên đăng nhập hoặc số thẻ").fill("thuthu")
    page.get_by_label("Mật khẩu").fill(STAFF_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/staff")
    page.goto("/staff/readers/new")
    page.get_by_label("Đối tượng").select_option("student")
    page.get_by_role("button", name="Lưu").click()
    assert "Nhập họ và tên bạn đọc." in page.inner_text("main")
