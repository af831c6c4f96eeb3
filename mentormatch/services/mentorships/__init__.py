"""The accepted mentorship: its page and next step (``page``), the agreement, the mentee's
pathway plan (``plan``, from ``plan_templates`` and the Match ``calendar``), messages,
close-out, and what coordinators see of it (``oversight``). A module per job."""
