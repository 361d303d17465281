"""Finding ASCII punctuation inside Chinese text in a .po catalogue (used by tests/test_chinese_punctuation.py).

A msgstr is read as a whole (continuation lines joined). Placeholders (%(name)s, {name}, %s), HTML tags and
entities, URLs and e-mail addresses are taken out first; then an ASCII `: ; , ? ! ( )` counts as a problem when
a Chinese character stands next to it, ignoring spaces (e.g. "原因: 缺材料", "（第三十二条)", "材料,请").
Punctuation between Latin letters or digits ("09:00", "TOTP (RFC 6238)", "HH:MM") is left alone.
"""

import re

_CJK = "\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef"
_MASK = re.compile(
    r"%\([^)]*\)[sdifr]|%[sdif]|\{[^{}]*\}|<[^<>]+>|&[a-z#0-9]+;|https?://\S+|[\w.+-]+@[\w.-]+|\b[A-Z]{2,}\b")
_PROBLEM = re.compile(rf"[{_CJK}]\s*[:;,?!()]|[:;,?!()]\s*[{_CJK}]")
_ENTRY = re.compile(r'^(msgid|msgstr(?:\[\d+\])?)\s+"(.*)"\s*$')
_CONT = re.compile(r'^"(.*)"\s*$')


def _unescape(text: str) -> str:
    return text.replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")


def entries(po_text: str):
    """(msgid, msgstr) pairs; plural msgstrs each give a pair. Obsolete (#~) entries are skipped."""
    msgid, current, key = None, None, None
    pairs = []
    parts: dict = {}

    def flush():
        if parts.get("msgid") is not None:
            for k, v in parts.items():
                if k.startswith("msgstr"):
                    pairs.append((parts["msgid"], v))

    for line in po_text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        m = _ENTRY.match(line)
        if m:
            if m.group(1) == "msgid":
                flush()
                parts = {}
            key = m.group(1)
            parts[key] = _unescape(m.group(2))
            continue
        m = _CONT.match(line)
        if m and key:
            parts[key] += _unescape(m.group(1))
    flush()
    return [(i, s) for i, s in pairs if i and s]


def problem_in(text: str) -> str | None:
    masked = _MASK.sub("X", text)  # a Latin stand-in: punctuation next to a placeholder alone is not flagged
    m = _PROBLEM.search(masked)
    return None if m is None else masked[max(0, m.start() - 8):m.end() + 8]


def ascii_punctuation_problems(po_text: str) -> list[tuple[str, str]]:
    """[(msgid, the offending part of its msgstr)] for every Chinese msgstr with ASCII punctuation in it."""
    return [(msgid, where) for msgid, msgstr in entries(po_text) if (where := problem_in(msgstr))]
