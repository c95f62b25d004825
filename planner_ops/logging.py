"""Keep plan tokens out of logs.

Share and edit links are capabilities: whoever holds one reads or edits the plan. Log
lines name request paths, so the token segment of every plan path is replaced by
`<redacted>` before a record is written anywhere.
"""

from __future__ import annotations

import logging
import re

REDACTED = "<redacted>"

# The prefixes whose next path segment is a token. Over-matching (say, /static/p/x) only
# hides a harmless segment; under-matching would leak a plan.
_TOKEN_PATH = re.compile(r"(/(?:p|e|api/plans|wizard/edit)/)[^/?#\s\"'<>]+")


def mask_tokens(text: str) -> str:
    """Return `text` with the token segment of every plan path replaced by `<redacted>`."""
    return _TOKEN_PATH.sub(rf"\g<1>{REDACTED}", text)


class MaskTokensFilter(logging.Filter):
    """Rewrite each record's message, and any traceback, with plan tokens masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a broken format string; leave it to the handler
            return True
        record.msg, record.args = mask_tokens(message), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_tokens(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_tokens(record.stack_info)
        return True
