"""Analytics for the people who run the service (issue 16).

period.py    the date range of a report or an export (local days → UTC instants)
redact.py    keyed pseudonyms (HMAC) and the redaction of personal data in texts
export.py    the turn log, dossier events and survey answers as rows (jsonl | csv | parquet),
             streamed in constant memory, redacted unless an admin asks otherwise
figures.py   the counters one metric block is made of, and their summary
metrics.py   THE metrics (report CLI, GET /api/v1/metrics and the dashboard all call it)
"""
