"""Programmes: the catalogue (create, change, archive, find), membership (join, apply,
approve, seats), who coordinates what (access), and the organisation's roll-up."""
