"""The business rules. Services take plain values, own their transaction (one commit per
call) and raise ``ServiceError`` subclasses; they never touch the request or ``current_user``.
"""
