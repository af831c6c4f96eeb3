"""The matching engine: arrays in, arrays out; never imports Flask or SQLAlchemy."""
