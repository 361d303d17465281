"""Turn the computed views of agents.services (case progress, 三即 milestones) into plain data.

The services return small dataclasses / dicts; the API reads them by name, never recomputes them.
"""

from agents.services import cases, projects


def case_progress_rows(case, *, viewer, now=None) -> list[dict]:
    """cases.case_progress: each linked application `viewer` may see, with its light and next due time."""
    return [{"id": row.application.pk, "reference": row.application.reference, "title": row.application.title,
             "status": row.application.status, "light": str(row.light), "next_due_at": row.next_due_at}
            for row in cases.case_progress(case, now=now, viewer=viewer)]


def milestone_rows(project) -> list[dict]:
    """projects.milestones: the 三即 spans with elapsed working days and whether reached the same day."""
    return [{"key": row.key, "label": str(row.label), "start": row.start_on, "end": row.end_on,
             "elapsed_working_days": row.working_days, "same_day": row.same_day}
            for row in projects.milestones(project)]
