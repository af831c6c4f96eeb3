from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, RadioField

KIND_CHOICES = [("mentee", "Mentees"), ("mentor", "Mentors")]


class ImportForm(FlaskForm):
    kind = RadioField("The file holds", choices=KIND_CHOICES, default="mentee")
    csv_file = FileField(
        "CSV file (UTF-8)", validators=[FileRequired("Choose the CSV file to import.")]
    )
    dry_run = BooleanField("Only check the file: report what would happen, save nothing")
