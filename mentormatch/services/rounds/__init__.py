"""Matching rounds, a module per job:

- ``settings``: what a coordinator chooses (weights, objective, minimum score), validated;
- ``inputs``: who takes part, as the engine's arrays; the one place where database ids
  become matrix indices and back (ids sorted, so the same data always gives the same round);
- ``run``: running a round (load, score, solve, explain, save) and reporting progress;
- ``jobs``: where a round runs (never inside the request that starts it);
- ``lookup``: reading rounds, and the people their rows name;
- ``transitions``: start, re-run (a proposed round's re-run is a new round), close, and a
  round whose worker went silent;
- ``publishing``: proposals sent to mentors, seats taken, all or nothing; what publishing
  would do now, or which pairs block it;
- ``followup``: after publishing, the answers' totals and a top-up round for the mentees
  whose mentor declined or let the proposal expire;
- ``pair_rules``: locks and forbids;
- ``figures``, ``unmatched``, ``pairs``, ``diff``, ``export``, ``charts``: reviewing a round
  (summary and fairness, who was left out, the pairs page by page, the what-if diff, the CSV
  export, the charts).
"""
