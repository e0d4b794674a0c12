"""How alike letters read: MinHash estimates checked on letters whose overlap is known."""

from __future__ import annotations

import numpy as np
import pytest

from letters.batch.similarity import (
    LINE,
    Signatures,
    body_paragraphs,
    jaccard,
    likeness,
    office_likeness,
    shingles,
)
from letters.pipeline import letter_for
from letters.variants import MAIN_WORDING, choose_wording

from ..conftest import DAY, sender

# Two standard errors of a 128-permutation estimate at 0.5 is 0.09.
TOLERANCE = 0.1


def words(start: int, count: int) -> str:
    """`count` distinct words: texts built from separate ranges share no shingle."""
    return " ".join(f"w{n}" for n in range(start, start + count))


def signatures_of(texts: list[str]) -> np.ndarray:
    signatures = Signatures()
    return np.array([signatures.body([text]) for text in texts])


# Both ways of finding each letter's nearest neighbour: every pair (a small office) and the
# LSH Forest with sampled pairs (a large one), forced here by allowing no exact pair.
PATHS = pytest.mark.parametrize("exact_pairs", [10_000, 0], ids=["every-pair", "forest"])


@PATHS
def test_identical_letters_are_all_above_the_line(exact_pairs):
    found = likeness(signatures_of([words(0, 300)] * 12), exact_pairs=exact_pairs)
    assert (found.letters, found.highest, found.median, found.above_line) == (12, 1.0, 1.0, 12)


@PATHS
def test_disjoint_letters_share_nothing(exact_pairs):
    found = likeness(
        signatures_of([words(1000 * n, 300) for n in range(12)]), exact_pairs=exact_pairs
    )
    assert found.highest < TOLERANCE and found.median < TOLERANCE
    assert found.above_line == 0


def test_a_planted_half_is_estimated_near_its_true_jaccard():
    # B keeps two thirds of A's words and adds as many new ones as it dropped: the shingles
    # they share are half of all their shingles.
    shared, own = words(0, 400), (words(10_000, 200), words(20_000, 200))
    a, b = f"{shared}\n{own[0]}", f"{shared}\n{own[1]}"
    exact = jaccard(
        shingles(shared) | shingles(own[0]), shingles(shared) | shingles(own[1])
    )  # paragraphs are shingled apart, as in a letter
    assert abs(exact - 0.5) < 0.01
    pair = np.array([Signatures().body(text.split("\n")) for text in (a, b)])
    found = likeness(pair)
    assert abs(found.highest - exact) < TOLERANCE
    assert found.highest == found.median


@PATHS
def test_a_large_office_counts_the_near_copies_and_only_them(exact_pairs):
    """60 letters in three families of near copies (one paragraph of their own each), 60
    letters of their own: the forest finds the 60 and none of the rest."""
    texts = [f"{words(5000 * (n % 3), 400)}\n{words(100_000 + 50 * n, 20)}" for n in range(60)]
    texts += [words(200_000 + 1000 * n, 420) for n in range(60)]
    signatures = Signatures()
    rows = np.array([signatures.body(text.split("\n")) for text in texts])
    found = likeness(rows, exact_pairs=exact_pairs)
    assert found.letters == 120
    assert found.above_line == 60
    assert found.highest > 0.8
    # Most pairs are between strangers.
    assert found.median < TOLERANCE


def test_letters_in_different_languages_are_not_compared():
    english, french = words(0, 300), words(5000, 300)
    signatures = Signatures()
    groups = [
        np.array([signatures.body([english])] * 3),
        np.array([signatures.body([french])] * 2 + [signatures.body([words(9000, 300)])]),
    ]
    found = likeness(groups)
    assert (found.letters, found.highest, found.above_line) == (6, 1.0, 5)
    # Pairs: 3 + 1 identical, 2 strangers; no English-French pair lowers the median.
    assert found.median == 1.0


def test_one_letter_has_nothing_to_be_like():
    found = likeness(signatures_of([words(0, 50)]))
    assert (found.letters, found.highest, found.median, found.above_line) == (1, None, None, 0)


def test_shingles_fold_case_and_punctuation():
    assert shingles("Stop the *Contracts*, now: please act today.") == shingles(
        "stop the contracts now please act today"
    )
    assert shingles("Dear Minister,") == {b"dear minister"}
    assert shingles("") == set()


def test_the_body_leaves_out_the_sender_and_keeps_their_paragraph(setting):
    writer = sender(note="I teach in Mill Woods and my students ask about this.")
    recipient = setting.directory.find("pm")
    letter = letter_for(
        setting, writer, recipient, DAY, wording=choose_wording(setting.campaign, writer)
    )
    body = "\n".join(body_paragraphs(letter))
    for private in ("Heather Lim", "10234 82 Avenue NW", "T6E 1Z8", letter.date_line):
        assert private not in body
    assert "Mill Woods" in body
    assert "Mill Woods" not in "\n".join(body_paragraphs(letter, note=False))
    assert letter.salutation in body and letter.complimentary_close in body


def test_variants_and_personal_paragraphs_make_letters_less_alike(setting):
    """Twenty supporters' letters to the PM, half with a paragraph of their own: without
    variants or paragraphs they are one letter; each makes them less alike."""
    recipient = setting.directory.find("pm")
    pairs = []
    for n in range(20):
        note = f"My street is number {n}; " + words(1000 * n, 120) if n % 2 else None
        writer = sender(name=f"Supporter Number {n}", note=note)
        wording = choose_wording(setting.campaign, writer)
        sent, main = (
            letter_for(setting, writer, recipient, DAY, wording=w) for w in (wording, MAIN_WORDING)
        )
        pairs.append(
            (
                sent.lang,
                body_paragraphs(sent, note=False),
                body_paragraphs(main, note=False),
                sent.note_paragraphs,
            )
        )
    found = office_likeness(pairs)
    assert found["neither"].highest == 1.0 and found["neither"].above_line == 20
    assert found["neither"].median == 1.0
    assert found["without_variants"].median < found["neither"].median
    assert found["without_notes"].median < found["neither"].median
    assert found["as_sent"].median <= min(
        found["without_notes"].median, found["without_variants"].median
    )
    assert found["as_sent"].above_line <= found["without_variants"].above_line
    assert all(f.letters == 20 for f in found.values())
    assert LINE == 0.5
