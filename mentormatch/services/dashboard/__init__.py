"""The programme dashboard: engagement, outcomes, and engagement against outcome, per programme
and rolled up across a coordinator's programmes (``report``), with every group smaller than
five people or pairs suppressed (``figures``), and its CSV (``export``)."""
