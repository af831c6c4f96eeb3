"""Mentee and mentor profiles. Codes are stored (see mentormatch.codes); labels are shown.

Multi-valued fields are JSON lists of codes: they are read whole, never queried inside, except
through the scalar columns kept beside them (specialty, state) for filtering.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mentormatch.extensions import db
from mentormatch.models.times import utcnow
from mentormatch.models.user import User


def _list() -> Mapped[list]:
    return mapped_column(JSON, default=list)


class MenteeProfile(db.Model):
    __tablename__ = "mentee_profiles"
    __table_args__ = (
        CheckConstraint(
            "hours_per_month IS NULL OR hours_per_month BETWEEN 1 AND 40", name="hours_range"
        ),
        CheckConstraint(
            "usmle_step2ck_score IS NULL OR usmle_step2ck_score BETWEEN 180 AND 300",
            name="step2ck_range",
        ),
        CheckConstraint(
            "target_match_year IS NULL OR target_match_year BETWEEN 2000 AND 2100",
            name="match_year_range",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), unique=True, index=True
    )
    home_country: Mapped[str | None] = mapped_column(String(2))
    medical_school: Mapped[str | None] = mapped_column(String(200))
    graduation_year: Mapped[int | None]
    degree: Mapped[str | None] = mapped_column(String(20))
    specialty: Mapped[str | None] = mapped_column(String(60), index=True)
    specialty_second: Mapped[str | None] = mapped_column(String(60))
    # Region preference: state or division codes; regions_anywhere says "no preference".
    preferred_regions: Mapped[list] = _list()
    regions_anywhere: Mapped[bool] = mapped_column(default=False)
    research_interests: Mapped[list] = _list()
    research_tags: Mapped[list] = _list()
    goals: Mapped[list] = _list()
    # the NRMP Main Residency Match the mentee aims for (Match Day in March of that year)
    target_match_year: Mapped[int | None]
    support_sought: Mapped[list] = _list()
    usmle_step1: Mapped[str | None] = mapped_column(String(30))
    usmle_step2ck: Mapped[str | None] = mapped_column(String(30))
    usmle_step2ck_score: Mapped[int | None]
    usmle_step3: Mapped[str | None] = mapped_column(String(30))
    oet: Mapped[str | None] = mapped_column(String(30))
    ecfmg_status: Mapped[str | None] = mapped_column(String(30))
    immigration_status: Mapped[str | None] = mapped_column(String(30))
    visa_needed: Mapped[str | None] = mapped_column(String(30))
    # US clinical experience: [{"type": "observership", "months": 3}, ...]
    usce: Mapped[list] = _list()
    research_experience: Mapped[str | None] = mapped_column(String(30))
    publications: Mapped[int] = mapped_column(default=0)
    first_author_publications: Mapped[int] = mapped_column(default=0)
    languages: Mapped[list] = _list()
    prefers_img_mentor: Mapped[bool] = mapped_column(default=False)
    hours_per_month: Mapped[int | None]
    about: Mapped[str | None] = mapped_column(Text)
    # the mentee's switch: her mentor (an accepted mentorship) sees her outcomes too
    outcomes_shared: Mapped[bool] = mapped_column(default=False, server_default="0")
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    user: Mapped[User] = relationship(back_populates="mentee_profile")


class MentorProfile(db.Model):
    __tablename__ = "mentor_profiles"
    __table_args__ = (
        CheckConstraint("capacity BETWEEN 0 AND 20", name="capacity_range"),
        # The capacity guarantee, held by the database: every proposal or active mentorship
        # takes a seat with a conditional UPDATE, and no update can leave more taken than
        # offered.
        CheckConstraint("seats_taken >= 0 AND seats_taken <= capacity", name="seats_within"),
        CheckConstraint(
            "capacity_before_pause IS NULL OR capacity_before_pause BETWEEN 1 AND 20",
            name="capacity_before_pause_range",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), unique=True, index=True
    )
    position: Mapped[str | None] = mapped_column(String(30))  # attending, programme-director...
    specialty: Mapped[str | None] = mapped_column(String(60), index=True)
    subspecialty: Mapped[str | None] = mapped_column(String(60))
    institution: Mapped[str | None] = mapped_column(String(200))
    city: Mapped[str | None] = mapped_column(String(100))
    state: Mapped[str | None] = mapped_column(String(2), index=True)
    programme_type: Mapped[str | None] = mapped_column(String(30))
    research_interests: Mapped[list] = _list()
    research_tags: Mapped[list] = _list()
    support_offered: Mapped[list] = _list()
    is_img: Mapped[bool] = mapped_column(default=False)
    visa_sponsorship: Mapped[str | None] = mapped_column(String(20))
    languages: Mapped[list] = _list()
    capacity: Mapped[int] = mapped_column(default=2)
    # The capacity a mentor had when they paused, given back when they resume; None when not
    # paused (or paused by setting capacity 0 on the profile, which has nothing to give back).
    capacity_before_pause: Mapped[int | None]
    # proposed + accepted mentorships; kept by services.seats, checked by the database
    seats_taken: Mapped[int] = mapped_column(default=0, server_default="0")
    about: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    user: Mapped[User] = relationship(back_populates="mentor_profile")

    @property
    def paused(self) -> bool:
        """No seat offered beyond those taken, on purpose: paused, or capacity 0."""
        return self.capacity == 0 or self.capacity_before_pause is not None
