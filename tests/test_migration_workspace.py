"""Migration 0011 gives every accepted mentorship its end date: accepted on + the programme's
length (mentorships accepted before the workspace existed complete like the others)."""

from datetime import datetime

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from mentormatch.app import create_app
from mentormatch.extensions import db
from mentormatch.services.mentorships.calendar import add_months
from tests.workspace_helpers import accepted_pair


def test_accepted_mentorships_get_their_end_date(empty_database_url):
    app = create_app({"ENV": "testing", "DATABASE_URL": empty_database_url})
    with app.app_context():
        upgrade()
    pair = accepted_pair(app)
    with app.app_context():
        db.session.execute(text("UPDATE programmes SET mentorship_months = 9"))
        db.session.execute(
            text("UPDATE mentorships SET responded_at = :at"), {"at": datetime(2026, 5, 31, 22)}
        )
        db.session.commit()
        db.session.remove()
        downgrade(revision="0010_programmes")
        upgrade()
        ends_on = db.session.execute(
            text("SELECT ends_on FROM mentorships WHERE id = :id"), {"id": pair.mentorship_id}
        ).scalar_one()
        db.engine.dispose()
    assert str(ends_on)[:10] == add_months(datetime(2026, 5, 31).date(), 9).isoformat()
    assert str(ends_on)[:10] == "2027-02-28"
