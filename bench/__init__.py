"""`make bench`: many simulated people activate Mon espace santé at once, through signed webhooks.

It measures what a helpline peak needs to know: turn latency at the webhook (p50/p95/p99), turns
per second, errors, each service's resident memory, SMS segments per completed activation, and
the model's training time; it writes a JSON result and a chart under `var/bench/`. It is never
part of `make test` (timings on a shared machine are not test material). `--compare REF` runs
the same benchmark on another commit first and reports ratios (bench/compare.py).
docs/BENCHMARKS.md.
"""
