"""gunicorn reads this file from the directory it starts in (the repository's root for
`make run`, `make cluster` and the benchmarks).

A sync worker that is still streaming a response does not tell the master it is alive, so
the default 30-second timeout killed the XLSX export of a 10,000-person cohort on a busy
machine halfway through (the download broke off with an error). Exports stream in constant
memory but can take longer than 30 seconds; two minutes leaves them room while a worker
that really hangs is still replaced.
"""

timeout = 120
