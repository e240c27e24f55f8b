"""How one crowd report writes the host, the title and the count: the noise of issue 13.

Each function appends the noise it applied to ``noise`` (the tags ``evaluation`` scores by).
"""

from __future__ import annotations

import random
from typing import Any

from nscap.synthetic_world import vocabulary as words

TITLE_STYLES = ("official", "paraphrased", "abbreviated", "suffixed", "translated", "mistyped")
SLOPPY_WORDS = {
    "Centre": ("Center", "Ctr.", "Cntr"),
    "Nuclear": ("Nucl.", "Nuc."),
    "Security": ("Sec.", "Securty"),
    "Support": ("Supp.",),
    "University": ("Univ.",),
    "Research": ("Res.",),
    "Institute": ("Inst.",),
    "Authority": ("Auth.",),
}


def host_text(rng: random.Random, inst: Any, language: str, sloppy: float, noise: list) -> str:
    """The host as a reporter writes it: a listed label (name, acronym, native name, acronym
    with its country), or — at rate ``sloppy`` — an unlisted sloppy variant of the name."""
    if rng.random() < sloppy:
        noise.append("sloppy_host")
        return _sloppy(rng, inst.name)
    native = [text for text, lang, _script, _kind in inst.labels if lang.split("-")[0] == language]
    options = [inst.name, inst.name, inst.acronym, f"{inst.acronym}, {inst.country}"]
    if native:
        options += native * 3
    text = rng.choice(options)
    if text == inst.acronym and inst.kind == "nssc":
        noise.append("shared_acronym")
    return text


def _sloppy(rng: random.Random, name: str) -> str:
    parts = name.split()
    style = rng.randrange(4)
    if style == 0:  # abbreviate or misspell words
        parts = [rng.choice(SLOPPY_WORDS[p]) if p in SLOPPY_WORDS else p for p in parts]
    elif style == 1 and len(parts) > 3:  # drop a word
        del parts[rng.randrange(1, len(parts))]
    elif style == 2:  # "the", lower case
        parts = ["the", *(p.lower() for p in parts)]
    else:  # a typo: two letters swapped
        word = max(range(len(parts)), key=lambda i: len(parts[i]))
        w = parts[word]
        i = rng.randrange(1, len(w) - 2)
        parts[word] = w[:i] + w[i + 1] + w[i] + w[i + 2 :]
    text = " ".join(parts)
    return text if text != name else text + " (HQ)"


def title(rng: random.Random, course: Any, event: Any, language: str, weights, noise) -> str:
    """The event's title in one of the styles (official, paraphrased, abbreviated
    "RTC on PP", suffixed with a year or city, translated, mistyped)."""
    from nscap.synthetic_world.world import words_by_key

    topic = words_by_key(course.topics[0])
    style = rng.choices(TITLE_STYLES, weights)[0]
    if style == "translated" and language == "en":
        style = "paraphrased"
    official = f"{course.form[0]} {topic.official}"
    if style != "official":
        noise.append(f"{style}_title")
    if style == "official":
        return official
    if style == "paraphrased":
        return f"{rng.choice(topic.paraphrases)} {rng.choice(words.PARAPHRASE_ENDINGS)}"
    if style == "abbreviated":
        return f"{course.form[1]} on {topic.abbreviation}"
    if style == "suffixed":
        suffix = str(event.start.year) if rng.random() < 0.5 else event.city
        return rng.choice(
            (f"{official} {suffix}", f"{official} ({suffix})", f"{suffix} {official}")
        )
    if style == "translated":
        return words.TRANSLATED_FORMS[language].format(topic=topic.translated[language])
    return _typo(rng, official)


def _typo(rng: random.Random, text: str) -> str:
    chars = list(text)
    for _ in range(rng.randint(1, 3)):
        i = rng.randrange(1, len(chars) - 1)
        action = rng.randrange(3)
        if action == 0:
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
        elif action == 1:
            del chars[i]
        else:
            chars.insert(i, chars[i])
    return "".join(chars)


def participants(rng: random.Random, true: int, host: bool, rates: Any, noise: list):
    """(count, qualifier): exact, rounded, "approximately" or "more than" (the host's own
    report exact more often); none at rate ``no_count``."""
    if rng.random() < rates.no_count:
        noise.append("no_count")
        return None, None
    weights = (0.8, 0.1, 0.05, 0.05) if host else rates.counts
    style = rng.choices(("exact", "rounded", "approximately", "more_than"), weights)[0]
    if style == "exact":
        return true, "exact"
    noise.append("count")
    if style == "rounded":
        return max(5, round(true / 5) * 5), None
    if style == "approximately":
        return max(5, round(true / 10) * 10), "approximately"
    return max(1, (true - 1) // 10 * 10), "more_than"
