"""The coordinator area: one blueprint (``blueprint.py``, which checks the role) and a module
per page group that adds its routes to it. Importing the package registers every route."""

from mentormatch.web.coordinator import (  # noqa: F401 - each module adds its routes to bp
    audit,
    directory,
    home,
    imports,
    outcomes,
    pair_health,
    pair_rules,
    preferences,
    programmes,
    rounds,
    team,
    workspace,
)
from mentormatch.web.coordinator.blueprint import bp

__all__ = ["bp"]
