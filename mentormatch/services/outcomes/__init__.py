"""A mentee's outcomes (``records``: record, verify, remove, share) and the outcome survey
mailed after Match Day (``survey``)."""
