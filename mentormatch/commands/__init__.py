"""The `mentormatch` command's own commands (create_app adds them to Flask's): thin click
commands, one module per area, each calling one service."""

from mentormatch.commands import (
    accounts,
    demo,
    engine,
    mail,
    meetings,
    mentorships,
    outcomes,
    preferences,
    profiles_csv,
    programmes,
    proposals,
    rounds,
    serve,
    worker,
)

COMMANDS = (
    *accounts.COMMANDS,
    *demo.COMMANDS,
    *engine.COMMANDS,
    *mail.COMMANDS,
    *mentorships.COMMANDS,
    *meetings.COMMANDS,
    *preferences.COMMANDS,
    *outcomes.COMMANDS,
    *profiles_csv.COMMANDS,
    *programmes.COMMANDS,
    *proposals.COMMANDS,
    *rounds.COMMANDS,
    *serve.COMMANDS,
    *worker.COMMANDS,
)
