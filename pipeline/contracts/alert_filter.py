"""Which alerts a subscriber wants: by kind, by severity, by speaker, by article. Empty means any."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

from pipeline.contracts.events import Alert

__all__ = ["AlertFilter", "unknown_kinds"]


def unknown_kinds(asked: Iterable[str], known: Iterable[str]) -> str | None:
    """None when every kind asked for is one the taxonomy raises; otherwise what to tell whoever asked,
    since a filter on a kind that never comes would wait in silence."""
    known = sorted(known)
    unknown = [kind for kind in asked if kind not in known]
    if not unknown:
        return None
    told = []
    for kind in unknown:
        close = difflib.get_close_matches(kind, known, n=1)
        told.append(f"{kind!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
    return f"no alert kind {', '.join(told)}; the taxonomy's alert kinds are {', '.join(known)}"


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.casefold().split())


@dataclass(frozen=True)
class AlertFilter:
    kinds: frozenset[str] = frozenset()
    speakers: tuple[tuple[str, ...], ...] = ()
    """each as its casefolded words: "Guterres" asks for Antonio Guterres, as an editor would say it"""
    articles: frozenset[str] = frozenset()
    severities: frozenset[str] = frozenset()

    @classmethod
    def of(
        cls,
        kinds: Iterable[str] = (),
        speakers: Iterable[str] = (),
        articles: Iterable[str] = (),
        severities: Iterable[str] = (),
    ) -> AlertFilter:
        speakers_asked = tuple(_words(s) for s in speakers if s.strip())
        return cls(frozenset(kinds), speakers_asked, frozenset(articles), frozenset(severities))

    def wants(self, alert: Alert) -> bool:
        if self.kinds and alert.kind not in self.kinds:
            return False
        if self.severities and alert.severity not in self.severities:
            return False
        if self.articles and alert.article_id not in self.articles:
            return False
        return not self.speakers or (alert.speaker is not None and self._speaker_asked_for(alert.speaker.name))

    def _speaker_asked_for(self, name: str) -> bool:
        words = _words(name)
        return any(
            any(words[i : i + len(asked)] == asked for i in range(len(words) - len(asked) + 1))
            for asked in self.speakers
        )
