"""Serializers of the applications and reviews API.

Input serializers check the SHAPE of a request only (types, required keys, lengths); every business rule
(who may act, which state allows it, what a field must contain) stays in `approvals.services`. Output
serializers read models and the clock views of `approvals.services.progress`, so the API shows the same due
times, lights and remaining working time as the pages.
"""
