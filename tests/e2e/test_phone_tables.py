"""Tables on a phone: Chinese words stay whole in their cells and a wide table scrolls
sideways inside its own box, never the page."""

from __future__ import annotations

import pytest

from zhiyuan.testing.factories import PASSWORD, submit

pytestmark = pytest.mark.e2e

# Cells of a few characters (a name, a status, a community) written over three lines or
# more: the table's layout squeezed their column to a character or two.
SQUEEZED_CELLS = """() => Array.from(document.querySelectorAll('main td, main th')).filter((cell) => {
  const text = cell.innerText.trim();
  if (!text || text.length > 5) return false;
  const range = document.createRange();
  range.selectNodeContents(cell);
  const lines = new Set(Array.from(range.getClientRects()).map((r) => Math.round(r.top)));
  return lines.size >= 3;
}).map((cell) => cell.innerText.trim())"""


def test_office_lists_on_a_phone_keep_names_whole_and_the_page_its_width(new_page, sign_in, desk):
    for title in ("陪老人聊天", "推轮椅出门晒太阳", "代买米面菜"):
        submit(desk, title=title)
    page = new_page(phone=True)
    sign_in(page, "alice", PASSWORD)
    for url in ("/volunteers/manage/", "/help/requests/"):
        page.goto(url)
        assert page.locator("main table tbody tr").count() >= 3, url
        assert page.evaluate(SQUEEZED_CELLS) == [], url
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, url
