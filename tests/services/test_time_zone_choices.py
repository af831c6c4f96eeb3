"""The time-zone list of every form: each zone labelled with its offset at the moment asked
(labels are made once per quarter hour and shared), and the blank choice first."""

from __future__ import annotations

from datetime import UTC, datetime

from mentormatch.services import time_zones


def label_of(options, name):
    return dict(options)[name]


def test_labels_follow_the_clocks_of_the_moment_asked():
    winter = time_zones.choices(now=datetime(2027, 1, 15, 12, 7, tzinfo=UTC))
    summer = time_zones.choices(now=datetime(2027, 7, 15, 12, 7, tzinfo=UTC))
    assert label_of(winter, "America/New_York") == "America/New York (UTC−05:00)"
    assert label_of(summer, "America/New_York") == "America/New York (UTC−04:00)"
    # New York's clocks go forward at 07:00 UTC on 14 March 2027: the quarter hour before
    # and the one after are labelled apart
    before = time_zones.choices(now=datetime(2027, 3, 14, 6, 59, tzinfo=UTC))
    after = time_zones.choices(now=datetime(2027, 3, 14, 7, 0, tzinfo=UTC))
    assert label_of(before, "America/New_York").endswith("(UTC−05:00)")
    assert label_of(after, "America/New_York").endswith("(UTC−04:00)")


def test_the_blank_choice_comes_first_and_every_zone_once():
    options = time_zones.choices("Not set", now=datetime(2027, 1, 15, tzinfo=UTC))
    assert options[0] == ("", "Not set")
    names = [value for value, _ in options[1:]]
    assert names == list(time_zones.names()) and len(set(names)) == len(names)
