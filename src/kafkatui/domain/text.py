"""The one way text from outside reaches the screen.

Keys, values, headers, topic and group names, client ids, hosts and broker error strings come from
records and brokers, not from us: shown as they are, they could move the cursor, retitle or clear the
terminal (``\\x1b]0;…\\x07``, ``\\x1b[2J``), or — through Rich markup — restyle or break a widget.
Every such string goes through `inert` (or `escape_raw` for bytes) before it is shown, logged or put
in an alert: control characters become visible escapes, the result is one line of bounded length.
Widgets then render it as plain text (never as markup).
"""

from __future__ import annotations

__all__ = ["NAME_LIMIT", "SENSOR_LIMIT", "escape_raw", "inert", "inert_lines"]

# Limits for names shown in a column or a sentence; the whole value stays available where the
# user opens a record (the message viewer's record view).
SENSOR_LIMIT = 32  # a sensor name (a record key) in the table, chart legend, alerts and toasts
NAME_LIMIT = 64  # a topic, group, client or consumer id, host or rack in a column or sentence

_SHORT_ESCAPES = {"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape_char(c: str) -> str:
    if c in _SHORT_ESCAPES:
        return _SHORT_ESCAPES[c]
    code = ord(c)
    if 0xDC80 <= code <= 0xDCFF:  # an undecodable byte, smuggled by surrogateescape
        return f"\\x{code - 0xDC00:02x}"
    if c.isprintable():
        return c
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def _cut(pieces: list[str], limit: int, complete: bool) -> str:
    total = sum(len(p) for p in pieces)
    if total <= limit and complete:
        return "".join(pieces)
    out: list[str] = []
    used = 0
    for piece in pieces:
        if used + len(piece) > limit - 1:
            break
        out.append(piece)
        used += len(piece)
    return "".join(out) + "…"


def inert(text: str | None, limit: int = 200) -> str:
    """External text as one printable line of at most `limit` characters.

    Control characters (ESC, BEL, newlines, C1 controls, bidi overrides, …) show as ``\\xNN`` /
    ``\\uNNNN``, a backslash as ``\\\\`` only where escapes were needed, so plain names stay as they
    are. Longer than `limit`: cut at a whole escape and end with ``…``. None shows as ``(null)``.
    """
    if text is None:
        return "(null)"
    if limit < 1:
        raise ValueError("limit must be at least 1")
    if len(text) <= limit and text.isprintable():
        return text  # the common case: a plain name, untouched
    head = text[: limit + 1]
    pieces = [_escape_char(c) if not c.isprintable() or c == "\\" else c for c in head]
    return _cut(pieces, limit, len(head) == len(text))


def inert_lines(text: str | None, limit: int = 100_000) -> str:
    """Like `inert`, but line breaks stay line breaks: for a whole record value or a multi-line
    message shown in a scrolling view. Every other control character is escaped; at most `limit`
    characters (the newlines included), then ``…``. None shows as ``(null)``."""
    if text is None:
        return "(null)"
    if limit < 1:
        raise ValueError("limit must be at least 1")
    lines = text[: limit + 1].replace("\r\n", "\n").split("\n")
    shown = "\n".join(inert(line, max(1, len(line) * 6 + 1)) for line in lines)
    if len(text) > limit or len(shown) > limit:
        return shown[: limit - 1] + "…"
    return shown


def escape_raw(raw: bytes | None, limit: int = 120) -> str:
    """Bytes as one printable line: text stays text, everything else is escaped.

    Invalid UTF-8 bytes show as ``\\xNN``, control characters as ``\\n``, ``\\t``, ``\\xNN``
    or ``\\uNNNN``, and a backslash as ``\\\\`` so the output is unambiguous. Longer than
    `limit` characters: cut at a whole escape and end with ``…``. None shows as ``(null)``.
    """
    if raw is None:
        return "(null)"
    if limit < 1:
        raise ValueError("limit must be at least 1")
    head = raw[: limit * 4 + 4]  # a character is at most 4 bytes; enough to fill `limit`
    if len(head) == len(raw):  # the common case (exports call this for every key and value): plain text
        try:
            text = head.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            if len(text) <= limit and text.isprintable() and "\\" not in text:
                return text
    pieces = [_escape_char(c) for c in head.decode("utf-8", errors="surrogateescape")]
    return _cut(pieces, limit, len(head) == len(raw))
