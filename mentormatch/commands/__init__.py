"""Thin click commands, one module per area; each calls one service."""
