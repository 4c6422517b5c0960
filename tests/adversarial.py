"""Lines written to be slow to classify: each repeats one thing a rule reads word by word (reporting
verbs, quotation marks, capitals, names, titles, one very long word ...) up to a given size in bytes.
Shared by the unit tests that hold classification to linear time and by the benchmark that
records it (scripts/benchmark_adversarial.py)."""

from __future__ import annotations

import random
from collections.abc import Callable

from pipeline.config.lexicon_file import load_english


def _names(pattern: str) -> Callable[[random.Random], str]:
    def unit(rng: random.Random) -> str:
        def name() -> str:
            return rng.choice("ABDEGKLMNPRSTVZ") + "".join(rng.choice("aeiounrslt") for _ in range(5))

        return pattern.format(a=name(), b=name())

    return unit


_ENGLISH = load_english()


def _salad(rng: random.Random) -> str:
    english = _ENGLISH
    words = sorted(
        {*english.reporting_verbs, *english.role_words, *english.organisation_heads, *english.personal_pronouns}
    )
    words += [",", ".", '"', "(", ")", "-", ":", "Anna", "Lind", "U.N.", "the", "and", "that", "'s", "MR PRICE:"]
    words += ["according to", "citing", "quoted", "as saying", "with", "by", "statement", "who", "which"]
    return rng.choice(words) + " "


FAMILIES: dict[str, Callable[[random.Random], str]] = {
    "reporting verbs": lambda rng: "said ",
    "named subjects": lambda rng: "Anna Lind said ",
    "appositives": lambda rng: "Anna Lind, the minister, said, ",
    "quotations": lambda rng: '"Yes," he said. ',
    "unclosed quotation marks": lambda rng: '" said ',
    "capitals": _names("{a} "),
    "distinct names": _names("{a} {b} and "),
    "titled names": _names("Foreign Minister {a} {b} said, "),
    "titles": lambda rng: "the foreign minister of the interior ",
    "according to": lambda rng: "according to the minister ",
    "brackets": lambda rng: "(UN) said ",
    "dashes": lambda rng: " - said - ",
    "passives": lambda rng: "are said by the UN to ",
    "speaker labels": lambda rng: "MR PRICE: ",
    "acronyms": lambda rng: "U.N. ",
    "accented names": lambda rng: "Erdoğan Çavuşoğlu said ",
    "verbs without spaces": lambda rng: "said\n",
    "one long word": lambda rng: "a",
    "one long capitalised word": lambda rng: "A",
    "topic cues": lambda rng: "humanitarian corridor war crimes ceasefire talks ",
    "word salad": _salad,
}


def adversarial_line(family: str, size: int, seed: int = 7) -> str:
    """A line of ``family`` of at most ``size`` bytes of UTF-8, no word cut at its end."""
    rng, unit, parts, length = random.Random(seed), FAMILIES[family], [], 0
    while length < size:
        part = unit(rng)
        parts.append(part)
        length += len(part.encode())
    text = "".join(parts).encode()[:size].decode(errors="ignore")
    return text.strip() if text.strip() else "x"


def ordinary_copy(paragraphs: list[str], size: int) -> str:
    """News paragraphs joined into one line of ``size`` bytes at most: what a long line usually is."""
    text, index = "", 0
    while len(text.encode()) < size:
        text += paragraphs[index % len(paragraphs)] + " "
        index += 1
    return text.encode()[:size].decode(errors="ignore").strip()
