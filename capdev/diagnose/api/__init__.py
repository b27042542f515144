"""REST API of the diagnose stage: instruments, assessments, scores and needs.

Thin by design: each view parses its input, calls a selector (reads, scoped) or a service
(writes, which re-check scope inside their transaction), and serialises the answer. Service
errors become API errors in one place (`common.call_service`): field messages 400, refusals
403; a record outside the caller's scope is 404, as on the pages.
"""
