"""The register import on a phone: the preview lists each error with its row and column, and a good file imports."""

from playwright.sync_api import Page, expect

from tests.browser.conftest import log_in, screenshot
from tests.register_files import register_row, xlsx_bytes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _upload(page: Page, base_url: str, data: bytes) -> None:
    page.goto(f"{base_url}/facilities/import")
    page.get_by_label("名录文件（.xlsx 或 .csv）").set_input_files(
        [{"name": "名录.xlsx", "mimeType": XLSX, "buffer": data}]
    )
    page.get_by_role("button", name="上传并预览").click()
    page.wait_for_url("**/facilities/import")


def test_an_admin_sees_every_error_of_a_file_and_imports_a_corrected_one(live_server: str, phone: Page):
    log_in(phone, live_server, "admin")
    rows = [register_row(n, "砚城镇") for n in range(901, 905)]
    rows[1]["联系电话"] = "0350-12"
    rows[2]["所在乡镇"] = "梁家坪乡"  # merged away in 2020 (DOMAIN §15.1): no longer a township
    rows[3]["统一社会信用代码"] = rows[0]["统一社会信用代码"]
    _upload(phone, live_server, xlsx_bytes(rows))
    expect(phone.get_by_role("alert")).to_contain_text("文件中有 3 处错误，没有导入任何数据")
    errors = phone.locator(".import-errors li")
    expect(errors).to_have_count(3)
    expect(errors.nth(0)).to_contain_text("第 3 行 · H 列（联系电话）")
    expect(errors.nth(1)).to_contain_text("“梁家坪乡”不是您可登记机构的乡镇")
    expect(errors.nth(2)).to_contain_text("统一社会信用代码与第 2 行重复")
    expect(phone.get_by_role("button", name="确认导入")).to_have_count(0)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "facility-import-errors-390")

    _upload(phone, live_server, xlsx_bytes(rows[:1]))
    expect(phone.get_by_role("heading", name="新建 1 个机构")).to_be_visible()
    screenshot(phone, "facility-import-preview-390")
    phone.get_by_role("button", name="确认导入").click()
    phone.wait_for_url("**/facilities/")
    expect(phone.get_by_text("已导入：新建 1 个机构，更新 0 个。")).to_be_visible()
