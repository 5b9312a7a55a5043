"""Moderation rules that hold no state and do no I/O: how severe a case is and how soon it
is due, how much a report weighs, the statement of reasons a person reads (in French)
with its EU transparency database fields, signed evidence packages, and the
transparency report. The verbs that use them live in ``actions/`` (cases, sanctions,
appeals, notices). See docs/moderators.md.
"""
