"""What a review or a tweet concludes, once every word and clause carries its weight.

Reviews state their verdict in ways the word rules cannot see: a rating given in the text
(``3/5``, ``★★★☆☆``, ``note : 6/10``) anchors the score, words of hesitation (``mitigé``,
``bof``, ``correct sans plus``) and balance sheets (``points positifs … points négatifs``) mean
the author is torn, and a long mixed review is decided by its conclusion (``au final``, ``en
résumé``, ``bref``). Tweets wink: ``;)`` is friendly after good news and ironic after a
complaint. Pure functions over a token list, after ``discourse``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from .rules import CLASSES, EMOJI, RATING, WORD, Token

CONCLUSIONS = CLASSES["conclusions"]
BALANCED = CLASSES["balanced"]
PROS = CLASSES["pros"]
CONS = CLASSES["cons"]
WINKS = CLASSES["winks"]
#: How much more the conclusion of a long review counts than what led to it.
CONCLUSION_WEIGHT = 2.0
LEAD_WEIGHT = 0.5
#: A review of at least this many sentences is read for its conclusion.
LONG_REVIEW = 3
#: A torn author: text totals within this of zero are neutral, and beyond it shrink.
TORN_MARGIN = 3.0
TORN_SHRINK = 0.5
#: A stated rating in the middle of its scale (3/5, 6/10: a valence within this of 0).
MIDDLE_RATING = 1.0
#: A long review whose praise and complaints nearly balance (smaller over larger) is torn.
BALANCE_RATIO = 0.6
BALANCE_WORDS = 40
#: What praise in a winking complaint becomes, as for other sarcasm.
IRONY = -0.5


def apply_winks(tokens: Sequence[Token]) -> None:
    """``;)`` after a complaint is irony: the wink counts for nothing and the praise around it
    turns, as with 🙃 (``Super le bus qui passe en avance ;)``); after good news or alone it
    stays friendly (``On a gagné ;)``)."""
    winks = [t for t in tokens if t.kind == EMOJI and t.key in WINKS]
    if not winks:
        return
    rest = sum(t.valence * t.weight for t in tokens if t.kind != EMOJI)
    negative = sum(t.valence * t.weight for t in tokens if t.valence < 0)
    if rest >= 0 and negative > -1.0:
        return
    for token in winks:
        token.valence = 0.0
    for token in tokens:
        if token.kind == WORD and token.valence > 0:
            token.valence *= IRONY


def apply_conclusion(tokens: Sequence[Token], keys: frozenset[str]) -> None:
    """In a review of several sentences, the sentence that opens with ``au final``, ``en
    résumé``, ``bref`` … and all after it count double, what came before half: the verdict,
    not the list of pros and cons, is the author's stance."""
    if keys.isdisjoint(CONCLUSIONS):
        return
    sentences = tokens[-1].sentence + 1 if tokens else 0
    if sentences < LONG_REVIEW:
        return
    start = next((t.sentence for t in tokens if t.key in CONCLUSIONS and t.sentence), None)
    if start is None:
        return
    for token in tokens:
        token.weight *= CONCLUSION_WEIGHT if token.sentence >= start else LEAD_WEIGHT


def torn(tokens: Sequence[Token], keys: frozenset[str]) -> bool:
    """Whether the author says, or shows, that they are torn: a middle rating, a word of
    hesitation, both pros and cons listed, or a long text whose praise and complaints weigh
    nearly the same."""
    if not keys.isdisjoint(BALANCED) or (not keys.isdisjoint(PROS) and not keys.isdisjoint(CONS)):
        return True
    ratings = [t for t in tokens if t.kind == RATING]
    if ratings:
        return all(_middle(t) for t in ratings)
    if sum(t.kind == WORD for t in tokens) < BALANCE_WORDS:
        return False
    praise = sum(t.valence * t.weight for t in tokens if t.valence > 0)
    blame = -sum(t.valence * t.weight for t in tokens if t.valence < 0)
    return min(praise, blame) >= BALANCE_RATIO * max(praise, blame) > 0


def _middle(token: Token) -> bool:
    """A stated rating in the middle of its scale: 3/5, 2,5/5, 5/10, 6/10, ★★★☆☆."""
    return token.kind == RATING and abs(token.valence) <= MIDDLE_RATING


def settle(tokens: Sequence[Token], keys: frozenset[str], total: float) -> float:
    """The text's total, pulled towards neutral when the author is torn: what the words say
    beyond ``TORN_MARGIN`` still counts (halved), so a 3-star review that clearly leans
    (``3 étoiles mais je suis ravie``) keeps its side. Words of hesitation carry no valence
    of their own here (``mitigé`` is not a complaint)."""
    if not total or not torn(tokens, keys):
        return total
    hesitation = sum(t.valence * t.weight for t in tokens if t.key in BALANCED)
    rated = sum(t.valence * t.weight for t in tokens if t.kind == RATING and not _middle(t))
    middle = sum(t.valence * t.weight for t in tokens if t.kind == RATING and _middle(t))
    words = total - hesitation - rated - middle
    excess = max(0.0, abs(words) - TORN_MARGIN) * TORN_SHRINK
    return math.copysign(excess, words) + rated


__all__ = ["apply_conclusion", "apply_winks", "settle", "torn"]
