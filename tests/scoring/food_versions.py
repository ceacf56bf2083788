"""The food checklist as versions recorded before 总局令第49号 had it: the shipped file under the 2016 count rule."""

import re

from inspection.checklists.loader import DATA_DIR

#: The ``[verdict]`` table of the food checklist versions scored under the 2016 rule (DOMAIN §5.4).
VERDICT_2016 = """[verdict]
rule = "food_2016"
source_note = "2016年《餐饮服务日常监督检查要点表》结果判定（DOMAIN §5.4 [S]）。"
max_general_failures = 8
max_key_failures = 0

"""


def food_2016_text() -> str:
    """Return the shipped food checklist's text with the 2016 rule in its ``[verdict]`` table."""
    shipped = (DATA_DIR / "food_safety.toml").read_text(encoding="utf-8")
    text, replaced = re.subn(r"(?ms)^\[verdict\]\n.*?(?=^\[verdict\.labels\])", VERDICT_2016, shipped)
    assert replaced == 1, "the food checklist has no [verdict] table followed by [verdict.labels]"
    return text
