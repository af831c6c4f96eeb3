"""Why a pair was proposed, in words: one phrase per part of the score, for each audience.

A round stores each pair's component values (0 to 1); the words come from the two profiles,
read the way the engine scores them (`matching.scoring`): "Same specialty (internal
medicine)", "You are in New York, one of Amina's preferred states", "You share case reports
and health equity". The numbers stay as a secondary detail.

`PHRASES` holds one function per component name, taking the two profiles, the component's
value and the voice; a new score component is one more entry. An entry marked
``hidden_from_mentor`` (it rests on the mentee's immigration facts) is never shown to a
mentor, neither its words nor its number: a mentor sees those facts only after accepting, and
these explanations are read before.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from mentormatch import codes
from mentormatch.countries import language_names
from mentormatch.extensions import db
from mentormatch.matching.scoring import (
    BOTH_PRIMARY_CARE,
    SAME_FAMILY,
    SAME_SPECIALTY,
    SECOND_CHOICE_FACTOR,
)
from mentormatch.models import MatchingRound, MenteeProfile, MentorProfile, RoundPair, User
from mentormatch.services import proposals
from mentormatch.services.rounds.settings import RoundSettings

SHARED_NAMED = 3  # research codes, support codes or languages named before "and N more"


class Audience(enum.StrEnum):
    MENTOR = "mentor"
    MENTEE = "mentee"
    COORDINATOR = "coordinator"


@dataclass(frozen=True)
class Voice:
    """Who is spoken to, and how each side of the pair is named in a sentence."""

    audience: Audience
    mentee: str  # "Amina Khan", "you", "the mentee"
    mentee_poss: str  # "Amina Khan's", "your", "the mentee's"
    mentee_has: str  # "Amina Khan has", "you have"
    mentee_seeks: str  # "Amina Khan is looking for", "you are looking for"
    mentor: str
    mentor_poss: str
    mentor_is: str  # "you are", "Dr Lee is", "the mentor is"
    mentor_offers: str  # "you offer", "Dr Lee offers"
    both: str  # "you share" / "you both speak": the subject of a sentence about both

    @classmethod
    def of(cls, audience: Audience, mentee_name: str, mentor_name: str) -> Voice:
        if audience == Audience.MENTOR:
            return cls(
                audience, mentee_name, f"{mentee_name}'s", f"{mentee_name} has",
                f"{mentee_name} is looking for", "you", "your", "you are", "you offer", "you",
            )  # fmt: skip
        if audience == Audience.MENTEE:
            return cls(
                audience, "you", "your", "you have", "you are looking for", mentor_name,
                f"{mentor_name}'s", f"{mentor_name} is", f"{mentor_name} offers",
                f"you and {mentor_name}",
            )  # fmt: skip
        return cls(
            audience, "the mentee", "the mentee's", "the mentee has", "the mentee is looking for",
            "the mentor", "the mentor's", "the mentor is", "the mentor offers", "they",
        )  # fmt: skip


@dataclass(frozen=True)
class Reason:
    """One part of the score, in words, with its value (0 to 1) and normalised weight."""

    component: str
    text: str
    value: float
    weight: float


@dataclass(frozen=True)
class PairWords:
    reasons: tuple[Reason, ...]
    score: float
    locked: bool = False

    @property
    def numbers(self) -> str:
        """The secondary detail: 'specialty 1.00, region 0.70, research 0.33'."""
        return ", ".join(f"{r.component.replace('_', ' ')} {r.value:.2f}" for r in self.reasons)


Phrase = Callable[[MenteeProfile, MentorProfile, float, Voice], str | None]


@dataclass(frozen=True)
class Entry:
    phrase: Phrase
    hidden_from_mentor: bool = False


PHRASES: dict[str, Entry] = {}


def phrase(name: str, hidden_from_mentor: bool = False):
    """Register the words for score component ``name``."""

    def register(function: Phrase) -> Phrase:
        PHRASES[name] = Entry(function, hidden_from_mentor)
        return function

    return register


# -- small helpers of English ------------------------------------------------------------------
def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _lower(label: str) -> str:
    """A label inside a sentence: 'Internal medicine' -> 'internal medicine'; acronyms stay."""
    if len(label) > 1 and label[1].isupper():
        return label
    return label[:1].lower() + label[1:]


def _and(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _some(items: Sequence[str], shown: int = SHARED_NAMED) -> str:
    """'a, b and c', or 'a, b, c and 2 more' when there are more than ``shown``."""
    if len(items) <= shown:
        return _and(items)
    return ", ".join(items[:shown]) + f" and {len(items) - shown} more"


def _spec(code: str) -> str:
    return _lower(codes.label(code))


# -- specialty -----------------------------------------------------------------------------------
def _similarity(a: str, b: str) -> tuple[float, str]:
    """The specialty rule of `matching.scoring` for two codes: (value, kind)."""
    if a == b:
        return SAME_SPECIALTY, "same"
    family_a = codes.SPECIALTY_PARENT.get(a) or a
    family_b = codes.SPECIALTY_PARENT.get(b) or b
    if family_a == family_b:
        return SAME_FAMILY, "family"
    if a in codes.PRIMARY_CARE and b in codes.PRIMARY_CARE:
        return BOTH_PRIMARY_CARE, "primary"
    return 0.0, "none"


@phrase("specialty")
def specialty_words(mentee: MenteeProfile, mentor: MentorProfile, value: float, v: Voice):
    if not mentee.specialty or not mentor.specialty:
        return None
    wants = [(mentee.specialty, 1.0, "first")]
    if mentee.specialty_second:
        wants.append((mentee.specialty_second, SECOND_CHOICE_FACTOR, "second"))
    has = [(mentor.specialty, "specialty")]
    if mentor.subspecialty:
        has.append((mentor.subspecialty, "subspecialty"))
    # the best combination, as the engine takes it; on a tie the first choice and the main
    # specialty (strictly better only replaces)
    best = None
    for want, factor, choice in wants:
        for own, field in has:
            similarity, kind = _similarity(want, own)
            if best is None or similarity * factor > best[0]:
                best = (similarity * factor, want, choice, own, field, kind)
    _, want, choice, own, field, kind = best
    wanted = "specialty interest" if len(wants) == 1 else f"{choice} choice"
    if kind == "same" and choice == "first" and field == "specialty":
        return f"Same specialty ({_spec(want)})"
    if kind == "same":
        return _cap(f"{v.mentee_poss} {wanted}, {_spec(want)}, is {v.mentor_poss} {field}")
    pair = f"{_spec(want)} ({v.mentee_poss} {wanted}) and {_spec(own)} ({v.mentor_poss} {field})"
    if kind == "family":
        return f"Related specialties: {pair}"
    if kind == "primary":
        return f"Both primary care: {pair}"
    return f"Different specialties: {pair}"


# -- region --------------------------------------------------------------------------------------
@phrase("region")
def region_words(mentee: MenteeProfile, mentor: MentorProfile, value: float, v: Voice):
    preferred = [] if mentee.regions_anywhere else list(mentee.preferred_regions or [])
    if not preferred:
        return _cap(f"{v.mentee_has} no regional preference")
    state = mentor.state
    if not state or state not in codes.STATE_DIVISION:
        return None
    here = f"{v.mentor_is} in {codes.label(state)}"
    division = codes.STATE_DIVISION[state]
    region = codes.DIVISION_REGION[division]
    states = [c for c in preferred if c in codes.STATE_DIVISION]
    divisions = [c for c in preferred if c in codes.DIVISION_REGION]
    noun = "state" if not divisions else "region"
    preferred_noun = f"{v.mentee_poss} preferred {noun}{'s' if len(preferred) > 1 else ''}"
    listed = f" ({_some([codes.label(c) for c in preferred])})"
    if state in states:
        if len(preferred) == 1:
            return _cap(f"{here}, {v.mentee_poss} preferred state")
        return _cap(f"{here}, one of {preferred_noun}")
    if division in divisions:
        return _cap(f"{here}, in the {codes.label(division)} division, which {v.mentee} prefer"
                    f"{'' if v.audience == Audience.MENTEE else 's'}")  # fmt: skip
    preferred_divisions = {codes.STATE_DIVISION[s] for s in states} | set(divisions)
    if division in preferred_divisions:
        return _cap(
            f"{here}, in the same census division ({codes.label(division)}) as {preferred_noun}"
            + listed
        )
    if region in {codes.DIVISION_REGION[d] for d in preferred_divisions}:
        return _cap(
            f"{here}, in the same census region ({codes.label(region)}) as {preferred_noun}"
            + listed
        )
    return _cap(f"{here}, outside {preferred_noun}{listed}")


# -- research ------------------------------------------------------------------------------------
# Study types read better in the plural inside a sentence ("you share case reports").
RESEARCH_PHRASES = {
    "systematic-review": "systematic reviews",
    "meta-analysis": "meta-analyses",
    "case-report": "case reports",
    "case-series": "case series",
    "clinical-trial": "clinical trials",
    "cohort-study": "cohort studies",
    "qualitative-survey": "qualitative surveys",
    "quality-improvement": "quality improvement",
    "basic-lab": "basic lab research",
    "epidemiology-public-health": "epidemiology and public health",
    "medical-education": "medical education",
}


def _research(code: str) -> str:
    return RESEARCH_PHRASES.get(code) or _lower(codes.label(code))


@phrase("research")
def research_words(mentee: MenteeProfile, mentor: MentorProfile, value: float, v: Voice):
    mine, theirs = list(mentee.research_interests or []), set(mentor.research_interests or [])
    if not mine:
        return _cap(f"{v.mentee_has} listed no research interests")
    if not theirs:
        return _cap(f"{v.mentor_poss} profile lists no research interests")
    shared = [_research(c) for c in mine if c in theirs]
    if not shared:
        return "No research interests in common"
    return _cap(f"{v.both} share {_some(shared)}")


# -- optional components (used once a round weighs them) ---------------------------------------
@phrase("support")
def support_words(mentee: MenteeProfile, mentor: MentorProfile, value: float, v: Voice):
    offered = set(mentor.support_offered or [])
    shared = [_lower(codes.label(c)) for c in mentee.support_sought or [] if c in offered]
    if not mentee.support_sought:
        return None
    if not shared:
        return _cap(f"{v.mentor_offers} none of the support {v.mentee_seeks}")
    return _cap(f"{v.mentor_offers} {_some(shared)}, which {v.mentee_seeks}")


@phrase("language")
def language_words(mentee: MenteeProfile, mentor: MentorProfile, value: float, v: Voice):
    names = language_names()
    theirs = set(mentor.languages or [])
    shared = [names.get(c, c) for c in mentee.languages or [] if c in theirs]
    if not shared:
        return "No language in common listed"
    return _cap(f"{v.both} both speak {_some(shared)}")


@phrase("img_mentor")
def img_mentor_words(mentee: MenteeProfile, mentor: MentorProfile, value: float, v: Voice):
    if not mentee.prefers_img_mentor:
        return None
    prefers = f"{v.mentee} prefer{'' if v.audience == Audience.MENTEE else 's'} an IMG mentor"
    if mentor.is_img:
        return _cap(f"{prefers}, and {v.mentor_is} an IMG too")
    return _cap(f"{prefers}; {v.mentor_is} not an IMG")


VISA_SPONSORED = {"j1": ("j1",), "h1b": ("h1b",), "both": ("j1", "h1b")}


@phrase("visa", hidden_from_mentor=True)
def visa_words(mentee: MenteeProfile, mentor: MentorProfile, value: float, v: Voice):
    need = mentee.visa_needed
    if not need or need == "none":
        return None
    sponsored = VISA_SPONSORED.get(mentor.visa_sponsorship or "", ())
    institution = f"{v.mentor_poss} institution"
    if not sponsored:
        return _cap(f"{institution} is not known to sponsor visas")
    visas = _and([f"{codes.label(c)}" for c in sponsored])
    if need in sponsored:
        needs = "need" if v.audience == Audience.MENTEE else "needs"
        return _cap(f"{institution} sponsors {visas} visas, which {v.mentee} {needs}")
    return _cap(f"{institution} sponsors {visas} visas")


# -- building the words for pairs --------------------------------------------------------------
def pair_words(
    mentee: User,
    mentor: User,
    values: dict[str, float],
    weights: dict[str, float],
    score: float,
    audience: Audience,
    locked: bool = False,
) -> PairWords:
    """The reasons for one pair, for ``audience``: each component the round weighed (weight
    above 0) that has words, in the round's order of components."""
    voice = Voice.of(audience, mentee.full_name, mentor.full_name)
    reasons = []
    for name, weight in weights.items():
        entry, value = PHRASES.get(name), values.get(name)
        if entry is None or value is None or weight <= 0:
            continue
        if entry.hidden_from_mentor and audience == Audience.MENTOR:
            continue
        if mentee.mentee_profile is None or mentor.mentor_profile is None:
            continue
        text = entry.phrase(mentee.mentee_profile, mentor.mentor_profile, value, voice)
        if text:
            reasons.append(Reason(name, text, float(value), float(weight)))
    return PairWords(tuple(reasons), float(score), locked)


def _weights(matching_round: MatchingRound) -> dict[str, float]:
    return RoundSettings.from_json(matching_round.settings).normalised_weights()


def _values(pair: RoundPair, weights: Iterable[str]) -> dict[str, float]:
    return {
        name: getattr(pair, f"{name}_score")
        for name in weights
        if getattr(pair, f"{name}_score", None) is not None
    }


def round_pair_words(pair: RoundPair, audience: Audience) -> PairWords:
    """Words for a stored round pair whose mentee, mentor and round are loaded."""
    weights = _weights(pair.round)
    return pair_words(
        pair.mentee, pair.mentor, _values(pair, weights), weights, pair.score, audience,
        pair.locked,
    )  # fmt: skip


def _load_pairs(round_ids: set[int], mentee_ids: set[int]) -> list[RoundPair]:
    if not round_ids or not mentee_ids:
        return []
    return list(
        db.session.scalars(
            select(RoundPair)
            .where(RoundPair.round_id.in_(round_ids), RoundPair.mentee_id.in_(mentee_ids))
            .options(
                selectinload(RoundPair.round),
                selectinload(RoundPair.mentee).selectinload(User.mentee_profile),
                selectinload(RoundPair.mentor).selectinload(User.mentor_profile),
            )
        )
    )


def proposal_words(mentorships, audience: Audience = Audience.MENTOR) -> dict[int, PairWords]:
    """Why each proposal was made, in words: mentorship id -> its round pair's words;
    proposals without a round (or whose round is gone) are absent."""
    return {
        mentorship_id: round_pair_words(pair, audience)
        for mentorship_id, pair in proposals.match_reasons(mentorships).items()
    }


def round_pairs_words(round_id: int, pairs: Iterable[tuple[int, int]]) -> dict:
    """(mentee id, mentor id) -> the coordinator's words, for these pairs of the round (a page
    of the review's table)."""
    wanted = set(pairs)
    loaded = _load_pairs({round_id}, {mentee_id for mentee_id, _ in wanted})
    return {
        (p.mentee_id, p.mentor_id): round_pair_words(p, Audience.COORDINATOR)
        for p in loaded
        if (p.mentee_id, p.mentor_id) in wanted
    }
