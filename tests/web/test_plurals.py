"""Counts read as English: '1 mentor', '2 mentors', never '1 mentors'."""

import re

import pytest

from mentormatch import codes
from tests.web.test_imports import upload


@pytest.mark.parametrize(
    ("count", "args", "text"),
    [
        (0, ("mentor",), "0 mentors"),
        (1, ("mentor",), "1 mentor"),
        (2, ("proposal",), "2 proposals"),
        (1, ("person", "people"), "1 person"),
        (3, ("person", "people"), "3 people"),
        (12000, ("mentee",), "12,000 mentees"),
        (1, ("more mentee",), "1 more mentee"),
    ],
)
def test_the_plural_filter(count, args, text):
    assert codes.plural(count, *args) == text


def test_the_filter_is_there_for_templates(app):
    with app.app_context():
        template = app.jinja_env.from_string(
            "{{ 1 | plural('proposal') }}, {{ 2 | plural('pair') }}"
        )
        assert template.render() == "1 proposal, 2 pairs"


def test_the_programme_overview_counts_one_coordinator_in_the_singular(client, auth):
    auth.login_as("coordinator")
    page = client.get("/coordinator/").get_data(as_text=True)
    counts = re.findall(r'stat-value">(\d+)</span><span class="stat-label">(\w+)<', page)
    assert counts == [("0", "mentees"), ("0", "mentors"), ("1", "coordinator")]


def test_a_check_of_one_row_says_row(client, auth):
    auth.login_as("coordinator")
    data = (
        b"email,full_name,home_country,specialty,preferred_regions,research_interests\n"
        b"ok@example.org,Ok,IN,pediatrics,NY,imaging\n"
    )
    page = upload(client, data, dry_run=True).get_data(as_text=True)
    assert "Check passed for 1 mentee row;" in page
    assert '<span class="stat-value">1</span><span class="stat-label">row</span>' in page
