"""Who is speaking in a line: the subject of its main reporting verb, resolved.

A transcript's speaker label ("MR PRICE:") settles it, and holds the floor for the lines after it; so
does the author named in "The following statement by X was issued today:" and a byline over remarks
(``attributor``, ``headings``). Otherwise the strategies in ``strategies.STRATEGIES`` are tried in
order, the most certain first: a "Name:" prefix, "the agency quoted X as saying", "..., citing X", an
attribution closing the line, a statement and its author (``framed``), the reporting verbs outside
quotations (``reporting_verbs``), a source framed by a participle or a passive, a finding held by
someone, and a line that carries the previous speaker's account on. Each reads a subject phrase with
``phrases`` and resolves it (``resolution``) against the article's memory: a name, a pronoun, a
descriptor such as "Russia's foreign minister", or a body ("the aid agency") (``references``).

Imports only the rest of the domain.
"""

from pipeline.domain.speakers.attributor import MAX_REMEMBERED, SpeakerAttributor
from pipeline.domain.speakers.speaker import Attribution, Speaker
from pipeline.domain.speakers.strategies import STRATEGIES

__all__ = ["MAX_REMEMBERED", "STRATEGIES", "Attribution", "Speaker", "SpeakerAttributor"]
