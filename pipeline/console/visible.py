"""Text from outside, shown to people, made unable to fool their terminal.

Line text may hold any Unicode, and file names, golden files and labels come from others. Printed
raw, an ESC sequence moves the cursor or clears the screen, a CR or a line separator starts a fake
line, and a bidirectional control reorders what follows it. ``visible`` writes each such character
as the escape JSON has for it (``\\u001b``, ``\\u202e``): it is seen, never obeyed, and a JSON line
passed through it is still the same JSON.

Escaped: control characters (Unicode category Cc: C0, DEL, C1 such as U+0085), format characters
(Cf: the bidirectional controls, zero-width spaces, the byte-order mark), line and paragraph
separators (Zl, Zp) and lone surrogates (Cs). Kept: the zero-width joiner and non-joiner, which
Persian, the Indic scripts and emoji sequences are spelt with, and every other character.
"""

from __future__ import annotations

import unicodedata

__all__ = ["visible"]

_SPELLING_JOINERS = frozenset("\u200c\u200d")
_ESCAPED_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})


def _escaped(char: str) -> bool:
    return unicodedata.category(char) in _ESCAPED_CATEGORIES and char not in _SPELLING_JOINERS


def _escape(char: str) -> str:
    code = ord(char)
    if code > 0xFFFF:  # as JSON writes it: a UTF-16 surrogate pair
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"


def visible(text: str) -> str:
    """``text`` with every character that could move the cursor, start a line or reorder text escaped."""
    if text.isprintable():  # nothing of a category escaped: the usual case, at C speed
        return text
    return "".join(_escape(char) if _escaped(char) else char for char in text)
