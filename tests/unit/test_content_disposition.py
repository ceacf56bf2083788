"""The name a download is saved under (inspection/exported_files.py, no app): the 文号 for RFC 5987 clients, an
ASCII name for the others, never a path."""

from inspection.exported_files import content_disposition


def test_a_chinese_name_is_encoded_with_an_ascii_fallback():
    header = content_disposition("五民整〔2026〕12号.pdf", "notice-7.pdf", inline=True)
    assert header == (
        "inline; filename=\"notice-7.pdf\"; filename*=UTF-8''%E4%BA%94%E6%B0%91%E6%95%B4%E3%80%942026%E3%80%95"
        "12%E5%8F%B7.pdf"
    )
    assert header.isascii()


def test_an_attachment_name_never_carries_a_path_or_a_quote():
    header = content_disposition('../等级"排名".csv', "rankings.csv")
    assert header.startswith("attachment; filename=\"rankings.csv\"; filename*=UTF-8''")
    encoded = header.split("''", 1)[1]
    assert "/" not in encoded and '"' not in encoded and not encoded.startswith(".")
