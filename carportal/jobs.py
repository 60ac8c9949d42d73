"""What the portal's background jobs share (large PDFs: pdf_jobs.py; large spreadsheet
imports: import_jobs.py): the states a job goes through, and the page's progress script,
static/js/job-progress.js, which needs a ``role="status"`` element ``#job-status`` with the
state in ``data-state`` and an element ``#job-actions``."""

import time


class State:
    WAITING = "waiting"
    BUILDING = "building"
    READY = "ready"
    FAILED = "failed"
    UNKNOWN = "unknown"  # neither done nor under way: the record expired or was lost


def ended_unheard(state, since, time_limit):
    """Whether a job under way has been so for longer than its task may run: the worker was
    ended at the hard time limit, or lost, before it could say so."""
    return state == State.BUILDING and time.time() - since > time_limit + 30
