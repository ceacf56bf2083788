"""The English interface is complete (issue 17): templates hold no Chinese outside translated strings, the
catalogue translates every string the code marks, refusals are flashed in the reader's language, and the phone
scripts get their strings in it from the page."""

import json
import re
from pathlib import Path

import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po
from flask_babel import force_locale

from inspection.blueprints import translated
from inspection.extensions import db
from inspection.i18n import N_, Message
from inspection.script_strings import script_msgids
from inspection.services import ServiceError
from tests.factories import OWN, base_county, checklist, plan_inspection

ROOT = Path(__file__).parents[2]
CATALOGUE = ROOT / "inspection" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
#: Chinese characters (CJK ideographs).
CHINESE = re.compile(r"[\u3400-\u9fff]")
#: Chinese text or the full-width punctuation that goes with it (：（），、；。 and the CJK symbols): an English page
#: shows a "（" around a date written outside _() as it is.
CHINESE_OR_FULL_WIDTH = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
#: What a template may write in Chinese: translated strings, comments, and Chinese as a value a template
#: compares against is not text shown. Jinja comments and {% trans %} blocks span lines.
TRANSLATED = re.compile(
    r"\{#.*?#\}"
    r"|\{%-?\s*trans\b.*?\{%-?\s*endtrans\s*-?%\}"
    r"|\b(?:_|gettext|ngettext)\(\s*(?:\"[^\"]*\"|'[^']*')(?:\s*,\s*(?:\"[^\"]*\"|'[^']*'))?",
    re.S,
)
#: The printed legal documents (notices, records) are issued in Chinese whatever the reader's language: they are
#: the documents the law prescribes (DOMAIN §6, §15), not the interface.
LEGAL_PRINTS = "templates/notices/print/"
#: The language switch names Chinese in Chinese, so that a reader of either language finds it.
ENDONYM = '<button class="link" name="locale" value="zh_CN" type="submit" lang="zh-CN">中文</button>'


def untranslated_lines(text: str) -> list[tuple[int, str]]:
    """Return the lines (number, text) of a template with Chinese or full-width punctuation outside translated
    strings."""
    blanked = TRANSLATED.sub(lambda match: re.sub(r"[^\n]", " ", match.group(0)), text)
    return [
        (number, line.strip())
        for number, line in enumerate(blanked.splitlines(), 1)
        if CHINESE_OR_FULL_WIDTH.search(line.replace(ENDONYM, ""))
    ]


def test_templates_show_no_chinese_outside_translated_strings():
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line[:80]}"
        for path in sorted((ROOT / "templates").rglob("*.html"))
        if not str(path.relative_to(ROOT)).startswith(LEGAL_PRINTS)
        for number, line in untranslated_lines(path.read_text(encoding="utf-8"))
    ]
    assert not found, "Chinese or full-width punctuation outside _() or {% trans %}:\n" + "\n".join(found)


def test_the_template_check_finds_chinese_text_and_passes_translated_text():
    assert untranslated_lines('<p>{{ _("保存") }}</p>\n<p>保存</p>\n{% trans %}保存{% endtrans %}') == [
        (2, "<p>保存</p>")
    ]


def test_the_template_check_finds_full_width_punctuation_around_values():
    template = (
        "<dd>{{ name }}（{{ day }}）</dd>\n<dd>{{ name }}{{ _('（') }}{{ day }}{{ _('）') }}</dd>\n{{ e|join('；') }}"
    )
    assert [number for number, _line in untranslated_lines(template)] == [1, 3]


def test_the_catalogue_translates_every_string_and_nothing_is_fuzzy():
    with CATALOGUE.open("rb") as file:
        catalogue = read_po(file)
    untranslated = [m.id for m in catalogue if m.id and not (m.string if isinstance(m.string, str) else all(m.string))]
    fuzzy = [m.id for m in catalogue if m.id and m.fuzzy]
    assert not untranslated, f"{len(untranslated)} without English, e.g. {untranslated[:5]}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy, e.g. {fuzzy[:5]}"


def test_every_string_the_code_marks_is_in_the_catalogue(tmp_path, monkeypatch):
    """Extract as README (Translations) says, and look each string up in the catalogue."""
    monkeypatch.chdir(ROOT)
    monkeypatch.syspath_prepend(str(ROOT))  # the project's own extractor for checklist files
    extracted = tmp_path / "messages.pot"
    CommandLineInterface().run(
        [
            "pybabel",
            "-q",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "t",
            "--ignore-dirs=.*",
            "-o",
            str(extracted),
            ".",
        ]
    )
    with extracted.open("rb") as file:
        template = read_po(file)
    with CATALOGUE.open("rb") as file:
        catalogue = read_po(file)
    assert any(msgid in template for msgid in script_msgids()), "the phone scripts' t() strings are extracted"
    missing = [m.id for m in template if m.id and m.id not in catalogue]
    assert not missing, f"{len(missing)} strings are not in the catalogue (README: Translations), e.g. {missing[:5]}"


def test_a_refusal_keeps_chinese_for_the_log_and_its_msgid_and_values_for_translation():
    error = ServiceError(N_("检查中没有条目 %(code)s"), fields={"item_code": N_("必填")}, code="F9")
    assert str(error) == "检查中没有条目 F9"
    assert (error.message.msgid, error.message.params) == ("检查中没有条目 %(code)s", {"code": "F9"})
    assert isinstance(error.fields["item_code"], Message)


def test_a_message_and_the_messages_inside_it_are_translated_together(app):
    closed = ServiceError(N_("机构已关闭，不能检查"))
    message = Message(N_("%(facility)s：%(problem)s"), facility="东湖敬老院", problem=closed.message)
    with app.test_request_context(), force_locale("en"):
        assert translated(message) == "东湖敬老院: The facility is closed and cannot be inspected"
        assert translated(closed) == "The facility is closed and cannot be inspected"
        assert translated(Message("")) == ""  # not the catalogue's header
    with app.test_request_context():
        assert translated(message) == "东湖敬老院：机构已关闭，不能检查"


@pytest.mark.usefixtures("cast")
def test_a_refusal_is_flashed_in_english_for_an_english_user_and_in_chinese_by_default(client, login):
    login("admin")
    form = {
        "username": "mz1",
        "display_name": "重名",
        "role": "inspector",
        "region_id": base_county().region.id,
        "department_id": base_county().department("mz").id,
        "facility_id": 0,
        "active": "y",
        "password": "long-enough-pass",
    }
    assert "用户名 mz1 已存在" in client.post("/admin/users/new", data=form).get_data(as_text=True)
    client.post("/auth/locale", data={"locale": "en", "next": "/"})
    assert "Username mz1 already exists" in client.post("/admin/users/new", data=form).get_data(as_text=True)


@pytest.fixture
def planned_form_url(cast) -> str:
    """The form of a fire-safety inspection of the cast's own facility, its inspectors those of the cast."""
    needed = sorted(checklist("fire_safety").section_departments())
    team = {code: [cast[f"{code}1"], cast[f"{code}2"]] for code in needed}
    inspection = plan_inspection(cast[OWN], ["fire_safety"], team=team)
    db.session.commit()
    return f"/inspections/{inspection.id}/form"


def script_strings_of(page: str) -> dict[str, str]:
    found = re.search(r'<script type="application/json" id="script-strings">(.*?)</script>', page, re.S)
    assert found, "the page embeds the scripts' strings"
    return json.loads(found.group(1))


def test_the_form_page_gives_the_phone_scripts_their_english_strings(client, login, planned_form_url):
    login("xf1")
    assert script_strings_of(client.get(planned_form_url).get_data(as_text=True)) == {}  # Chinese: as written
    client.post("/auth/locale", data={"locale": "en", "next": "/"})
    strings = script_strings_of(client.get(planned_form_url).get_data(as_text=True))
    assert set(strings) == set(script_msgids())
    assert not any(CHINESE.search(text) for text in strings.values())
