"""Microsoft's setup guides, keyed as in shared/domain/guides.json (our own copy)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Guide:
    key: str
    title: str
    url: str

    def to_dict(self) -> dict:
        return {"key": self.key, "title": self.title, "url": self.url}


def _load() -> dict[str, Guide]:
    raw = json.loads((Path(__file__).parent / "data" / "guides.json").read_text("utf-8"))
    return {item["key"]: Guide(item["key"], item["title"], item["url"]) for item in raw}


GUIDES: dict[str, Guide] = _load()


def guide(key: str) -> Guide:
    """Return the guide for `key`; an unknown key is a programming error."""
    return GUIDES[key]
