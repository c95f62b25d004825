"""gunicorn's logger with plan tokens masked, named by `logger_class` in gunicorn.conf.py."""

from __future__ import annotations

from gunicorn.glogging import Logger

from planner_ops.logging import MaskTokensFilter, mask_tokens

_FILTER = MaskTokensFilter()


class MaskingLogger(Logger):
    """Mask plan tokens in every access-log atom and in every error-log message."""

    def setup(self, cfg):
        super().setup(cfg)
        # Error lines such as "Error handling request /p/<token>/" carry paths too.
        for log in (self.error_log, self.access_log):
            log.addFilter(_FILTER)  # the same instance, so setup() on reload adds it once

    def atoms(self, resp, req, environ, request_time):
        # The request line, path, query, Referer and any header or environ atom may hold
        # a plan URL; masking every string atom covers custom access_log_formats too.
        atoms = super().atoms(resp, req, environ, request_time)
        return {key: mask_tokens(v) if isinstance(v, str) else v for key, v in atoms.items()}
