"""What a coordinator chooses for a round, validated."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from mentormatch.matching import ScoreWeights
from mentormatch.matching.problem import OBJECTIVES
from mentormatch.matching.scoring import EXTRA_COMPONENTS
from mentormatch.services.errors import ValidationError

# The parts of a pair's score and their default weights are the engine's (ScoreWeights);
# forms and the command line take them from here.
WEIGHT_NAMES: tuple[str, ...] = tuple(f.name for f in fields(ScoreWeights))
DEFAULT_WEIGHTS: dict[str, float] = asdict(ScoreWeights())
# the optional extras (weight 0 = off): shown only in rounds that switch them on
EXTRA_WEIGHT_NAMES: tuple[str, ...] = EXTRA_COMPONENTS
WEIGHT_LABELS: dict[str, str] = {
    "specialty": "Specialty",
    "region": "Region",
    "research": "Research",
    "support": "Support",
    "language": "Language",
    "img_mentor": "IMG mentor",
    "visa": "Visa",
}
DEFAULT_OBJECTIVE = "coverage"
DEFAULT_PREFERENCE_WEIGHT = 0.5
NAME_MAX = 200


def weight_field(name: str) -> str:
    """The form field (and raw settings key) that carries weight ``name``."""
    return f"weight_{name}"


@dataclass(frozen=True)
class RoundSettings:
    name: str
    weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    objective: str = DEFAULT_OBJECTIVE
    min_score: float | None = None
    # None: every active mentee who is ready and has no active mentor or pending proposal
    mentee_ids: tuple[int, ...] | None = None
    # the programme the round belongs to (None until created: then the only programme, or an
    # error asking which)
    programme_id: int | None = None
    # the weight of the stated preferences (matching.preferences) beside the profile's parts,
    # whose weights sum to 1; 0: preferences are ignored (avoid marks still forbid)
    preference_weight: float = DEFAULT_PREFERENCE_WEIGHT

    def score_weights(self) -> ScoreWeights:
        return ScoreWeights(**self.weights)

    def normalised_weights(self) -> dict[str, float]:
        """The weights as the engine uses them: scaled to sum 1."""
        return dict(zip(WEIGHT_NAMES, self.score_weights().normalised(), strict=True))

    def weights_in_use(self) -> dict[str, float]:
        """`normalised_weights` without the optional extras left off (weight 0): the parts a
        page or a breakdown shows for this round."""
        return {
            name: weight
            for name, weight in self.normalised_weights().items()
            if name not in EXTRA_WEIGHT_NAMES or weight > 0
        }

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["mentee_ids"] = list(self.mentee_ids) if self.mentee_ids is not None else None
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RoundSettings:
        """Settings as saved with a round (rounds saved before the extras existed have only
        the base weights: the extras are 0 there)."""
        ids = data.get("mentee_ids")
        return cls(
            name=data["name"],
            weights={**dict.fromkeys(EXTRA_WEIGHT_NAMES, 0.0), **data["weights"]},
            objective=data["objective"],
            min_score=data.get("min_score"),
            mentee_ids=tuple(ids) if ids is not None else None,
            programme_id=data.get("programme_id"),
            preference_weight=data.get("preference_weight", DEFAULT_PREFERENCE_WEIGHT),
        )


def _number(text: Any, field_name: str, problems: list, low: float, high: float) -> float | None:
    if text is None or str(text).strip() == "":
        return None
    try:
        value = float(str(text).strip())
    except ValueError:
        problems.append((field_name, f"'{text}' is not a number."))
        return None
    if not math.isfinite(value) or not low <= value <= high:
        problems.append((field_name, f"Must be between {low:g} and {high:g}; got {text}."))
        return None
    return value


def weights_example(weights: Mapping[str, float] = DEFAULT_WEIGHTS) -> str:
    """'specialty=0.5,region=0.2,research=0.3,support=0,...': weights as the command line
    takes them."""
    return ",".join(f"{name}={weights[name]:g}" for name in WEIGHT_NAMES)


def parse_weights(text: str, defaults: Mapping[str, float] | None = None) -> dict[str, float]:
    """Every weight, validated, from 'specialty=0.5,region=0.2' as the command line takes them
    (names left out keep their value in ``defaults``, else their default)."""
    raw: dict[str, Any] = {weight_field(name): value for name, value in (defaults or {}).items()}
    for part in (text or "").split(","):
        if not part.strip():
            continue
        name, sep, value = part.partition("=")
        name = name.strip().lower()
        if not sep or name not in WEIGHT_NAMES:
            raise ValidationError.single(
                "weights",
                f"'{part.strip()}' is not name=value with a name among {', '.join(WEIGHT_NAMES)}.",
            )
        raw[weight_field(name)] = value
    return parse_settings({"name": "weights", **raw}).weights


def parse_settings(raw: Mapping[str, Any]) -> RoundSettings:
    """Validate a round's settings from a form or the command line."""
    problems: list[tuple[str, str]] = []
    name = " ".join(str(raw.get("name") or "").split())
    if not name:
        problems.append(("name", "Give the round a name, for example 'Spring 2027 main round'."))
    elif len(name) > NAME_MAX:
        problems.append(("name", f"Use at most {NAME_MAX} characters."))
    weights = dict(DEFAULT_WEIGHTS)
    for weight in WEIGHT_NAMES:
        key = weight_field(weight)
        if key in raw:
            value = _number(raw.get(key), key, problems, 0.0, 100.0)
            weights[weight] = 0.0 if value is None else value
    if not problems and sum(weights.values()) <= 0:
        problems.append((weight_field(WEIGHT_NAMES[0]), "At least one weight must be above 0."))
    objective = str(raw.get("objective") or DEFAULT_OBJECTIVE)
    if objective not in OBJECTIVES:
        problems.append(("objective", f"Choose one of {', '.join(OBJECTIVES)}."))
    min_score = _number(raw.get("min_score"), "min_score", problems, 0.0, 1.0)
    preference_weight = _number(
        raw.get("preference_weight"), "preference_weight", problems, 0.0, 10.0
    )
    mentee_ids = raw.get("mentee_ids")
    programme_id = raw.get("programme_id")
    if programme_id not in (None, ""):
        try:
            programme_id = int(programme_id)
        except (TypeError, ValueError):
            problems.append(("programme_id", f"'{programme_id}' is not a programme."))
    else:
        programme_id = None
    if problems:
        raise ValidationError(problems)
    return RoundSettings(
        name=name,
        weights=weights,
        objective=objective,
        min_score=min_score,
        mentee_ids=tuple(sorted(set(mentee_ids))) if mentee_ids is not None else None,
        programme_id=programme_id,
        preference_weight=(
            DEFAULT_PREFERENCE_WEIGHT if preference_weight is None else preference_weight
        ),
    )
