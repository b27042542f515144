"""Pages of the diagnose stage: parse, call a selector or service, render."""
