"""Reading a user's text file (properties, .env, config, limits) with one-line errors."""

from __future__ import annotations

from pathlib import Path


def read_text(path: Path, what: str, error: type[Exception]) -> str:
    """The file's text (UTF-8); else `error` with one line naming `what` and the path."""
    try:
        return path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise error(f"{what} {path}: no such file") from None
    except IsADirectoryError:
        raise error(f"{what} {path}: is a directory, not a file") from None
    except UnicodeDecodeError as exc:
        raise error(f"{what} {path}: not UTF-8 text (byte {exc.start + 1})") from None
    except OSError as exc:
        raise error(f"{what} {path}: cannot be read ({exc.strerror or type(exc).__name__})") from None
