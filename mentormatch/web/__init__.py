"""The web layer: one blueprint per role, thin views over the services."""
