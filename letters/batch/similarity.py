"""How alike the letters to one office read: word shingles, Jaccard, estimated with MinHash.

Offices set aside letters that read the same (WriteToThem holds back a message more than half
identical to others). Two letters' similarity is the Jaccard index of their sets of 5-word
shingles: shared shingles over all shingles. Computing it for every pair is quadratic, so each
body becomes a MinHash signature (datasketch, 128 permutations: an estimate within about ±0.04
of the true index at 0.5) and:

- the highest similarity, and the letters above the line, come from each letter's nearest
  neighbour, proposed by an LSH Forest (datasketch) and checked on the signatures: linear in N;
- the median is that of a fixed random sample of pairs (every pair in a small office).

Shingles are taken within each paragraph, so a letter's signature is the union (element-wise
minimum) of its paragraphs' signatures, and the campaign's paragraphs, which recur in every
letter, are hashed once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSHForest

from ..compose import Letter

SHINGLE_WORDS = 5
PERMUTATIONS = 128
SEED = 1
# WriteToThem's line: a letter more than half identical to another to the same office.
LINE = 0.5
# Up to this many pairs (an office of about 100 letters) every pair is compared.
EXACT_PAIRS = 5_000
SAMPLE_PAIRS = 2_000  # pairs drawn for the median of a larger office
NEIGHBOURS = 8  # candidates the forest proposes for each letter's nearest neighbour
WORD = re.compile(r"\w+")


def body_paragraphs(letter: Letter, *, note: bool = True) -> tuple[str, ...]:
    """The letter as the office reads it, from the salutation to the complimentary close: the
    sender's name and address, the date and the office's own address are left out."""
    demands = [part for demand in letter.demands for part in (demand.title, demand.text)]
    return (
        letter.salutation,
        letter.opening,
        *letter.context,
        letter.demands_intro,
        *demands,
        *(letter.note_paragraphs if note else ()),
        letter.closing_request,
        letter.complimentary_close,
    )


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[bytes]:
    """The runs of `size` words (case folded, punctuation dropped); a shorter text is one."""
    words = WORD.findall(text.replace("*", "").casefold())
    if not words:
        return set()
    return {" ".join(words[i : i + size]).encode() for i in range(max(1, len(words) - size + 1))}


def jaccard(a: set, b: set) -> float:
    """The exact index, for checking the estimate."""
    return len(a & b) / len(a | b) if a or b else 1.0


class Signatures:
    """MinHash signatures of letter bodies, a paragraph at a time.

    The campaign's paragraphs recur in thousands of letters, so their signatures are cached;
    a supporter's own paragraph is hashed once and not kept.
    """

    def __init__(self) -> None:
        self._empty = MinHash(num_perm=PERMUTATIONS, seed=SEED)
        self._cache: dict[str, np.ndarray] = {}

    def paragraph(self, text: str) -> np.ndarray:
        minhash = self._empty.copy()
        minhash.update_batch(sorted(shingles(text)))
        return minhash.hashvalues

    def body(self, paragraphs: Iterable[str]) -> np.ndarray:
        """The signature of the union of the paragraphs' shingles (campaign text: cached)."""
        parts = [self._cached(text) for text in paragraphs]
        return np.minimum.reduce(parts) if parts else self._empty.hashvalues.copy()

    def personal(self, paragraphs: Iterable[str]) -> np.ndarray:
        """The same for a supporter's own paragraphs, which are not kept."""
        parts = [self.paragraph(text) for text in paragraphs]
        return np.minimum.reduce(parts) if parts else self._empty.hashvalues.copy()

    def _cached(self, text: str) -> np.ndarray:
        found = self._cache.get(text)
        if found is None:
            found = self._cache[text] = self.paragraph(text)
        return found

    def lean(self, signature: np.ndarray) -> LeanMinHash:
        return LeanMinHash(seed=SEED, hashvalues=signature, scheme=self._empty.scheme)


# What the campaign's variants and the supporters' own paragraphs do: the same letters measured
# as sent, without the paragraphs, in the campaign's main wording, and with neither.
CONDITIONS = ("as_sent", "without_notes", "without_variants", "neither")


@dataclass(frozen=True)
class Likeness:
    """How alike one office's letters read, under one condition (as sent, without notes…)."""

    letters: int
    highest: float | None  # None: fewer than two letters
    median: float | None
    above_line: int  # letters with another letter to the same office above LINE


def estimate(signatures: np.ndarray, one: int, others: np.ndarray) -> np.ndarray:
    """MinHash estimates of Jaccard: the share of permutations whose minimum agrees."""
    return (signatures[others] == signatures[one]).mean(axis=1)


def likeness(
    signatures: np.ndarray | Iterable[np.ndarray], *, exact_pairs: int = EXACT_PAIRS
) -> Likeness:
    """Highest, median and letters above the line among one office's letters (a row each).

    Given several groups of rows (one per language), only letters of the same group are
    compared: an English and a French letter share no words."""
    groups = [signatures] if isinstance(signatures, np.ndarray) else list(signatures)
    nearest, pairs = [], []
    for group in groups:
        found = _measure(group, exact_pairs)
        nearest.append(found[0])
        pairs.append(found[1])
    count = sum(len(group) for group in groups)
    nearest_all, pairs_all = np.concatenate(nearest), np.concatenate(pairs)
    if not len(pairs_all):
        return Likeness(count, None, None, 0)
    return Likeness(
        letters=count,
        highest=round(float(nearest_all.max()), 4),
        median=round(float(np.median(pairs_all)), 4),
        above_line=int((nearest_all > LINE).sum()),
    )


def _measure(signatures: np.ndarray, exact_pairs: int) -> tuple[np.ndarray, np.ndarray]:
    """Each letter's similarity to its nearest neighbour, and the pairs for the median."""
    count = len(signatures)
    if count < 2:
        return np.zeros(count), np.zeros(0)
    if count * (count - 1) // 2 <= exact_pairs:
        agree = (signatures[:, None, :] == signatures[None, :, :]).mean(axis=2)
        np.fill_diagonal(agree, -1.0)
        return agree.max(axis=1), agree[np.triu_indices(count, 1)]
    return _nearest(signatures), _sampled_pairs(signatures)


def _nearest(signatures: np.ndarray) -> np.ndarray:
    """Each letter's estimated similarity to its nearest neighbour, found with an LSH Forest
    (a letter that shares no prefix with any other is given 0)."""
    forest = MinHashLSHForest(num_perm=PERMUTATIONS)
    leans = Signatures().lean
    hashes = [leans(row) for row in signatures]
    for key, lean in enumerate(hashes):
        forest.add(key, lean)
    forest.index()
    nearest = np.zeros(len(signatures))
    for key, lean in enumerate(hashes):
        found = [other for other in forest.query(lean, NEIGHBOURS + 1) if other != key]
        if found:
            nearest[key] = estimate(signatures, key, np.array(found)).max()
    return nearest


def _sampled_pairs(signatures: np.ndarray) -> np.ndarray:
    """The estimates of a fixed random sample of distinct pairs (the same on every run)."""
    count = len(signatures)
    draw = np.random.default_rng(SEED)
    first = draw.integers(0, count, SAMPLE_PAIRS)
    second = (first + draw.integers(1, count, SAMPLE_PAIRS)) % count  # never the same letter
    return (signatures[first] == signatures[second]).mean(axis=1)


def office_likeness(
    letters: Iterable[tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...]]],
    signatures: Signatures | None = None,
    *,
    exact_pairs: int = EXACT_PAIRS,
) -> dict[str, Likeness]:
    """Likeness of one office's letters under each of CONDITIONS. Each letter comes as its
    language and three sets of paragraphs (`body_paragraphs(..., note=False)`): its body as
    sent, the same body in the campaign's main wording, and the supporter's own paragraphs."""
    signatures = signatures or Signatures()
    rows: dict[str, dict[str, list[np.ndarray]]] = {condition: {} for condition in CONDITIONS}
    for lang, sent, main, own in letters:
        note = signatures.personal(own)
        varied, plain = signatures.body(sent), signatures.body(main)
        for condition, row in (
            ("as_sent", np.minimum(varied, note)),
            ("without_notes", varied),
            ("without_variants", np.minimum(plain, note)),
            ("neither", plain),
        ):
            rows[condition].setdefault(lang, []).append(row)
    return {
        condition: likeness(
            [np.array(group) for group in by_language.values()], exact_pairs=exact_pairs
        )
        if by_language
        else Likeness(0, None, None, 0)
        for condition, by_language in rows.items()
    }
