"""Signals the diagnose stage sends for the floors above it."""

from django.dispatch import Signal

# Sent with `organisation_ids` once assessment summaries have been (re)written in bulk or by
# `summaries.summarise`: the monitor stage refreshes its dashboard facts from them.
summaries_written = Signal()
