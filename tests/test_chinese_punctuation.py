"""Chinese text uses Chinese punctuation: no ASCII : ; , ? ! ( ) next to a Chinese character in the zh_Hans
catalogue nor in any pending catalogue waiting to be merged (docs/glossary.md)."""

from pathlib import Path

import pytest

from tests.locale_scan import ascii_punctuation_problems, problem_in

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = [ROOT / "locale/zh_Hans/LC_MESSAGES/django.po", *sorted((ROOT / "locale/pending").glob("*.po"))]


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_ascii_punctuation_inside_chinese_text(path):
    problems = ascii_punctuation_problems(path.read_text(encoding="utf-8"))
    assert problems == [], "\n".join(f"{msgid!r}: …{where}…" for msgid, where in problems)


@pytest.mark.parametrize("text", ["原因: 缺材料", "（第三十二条)", "材料,请补充", "是否提交?", "已提交!", "时限;法定"])
def test_the_scan_finds_ascii_punctuation_in_chinese(text):
    assert problem_in(text)


@pytest.mark.parametrize("text", ["09:00-12:00", "%(n)s：项", "TOTP (RFC 6238)", "<a href=\"x\">链接</a>",
                                  "联系 admin@example.com：", "%(d)s个工作日（法定%(l)s）", "HH:MM 格式"])
def test_the_scan_leaves_codes_times_and_placeholders_alone(text):
    assert problem_in(text) is None


def test_the_parser_joins_continuation_lines():
    po = 'msgid ""\nmsgstr ""\n"Language: zh\\n"\n\nmsgid "a"\nmsgstr ""\n"第一行"\n": 第二行"\n'
    assert ascii_punctuation_problems(po) == [("a", "第一行: 第二行")]
