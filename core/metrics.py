"""Prometheus metrics (served at /metrics from the default registry)."""

from prometheus_client import Counter, Gauge, Histogram

INBOUND = Counter("motcua_inbound_events_total", "Inbound events accepted by channel", ["channel"])
DUPLICATES = Counter("motcua_inbound_duplicates_total", "Inbound events dropped as repeats", ["channel"])
APPLIED = Counter("motcua_events_applied_total", "Inbound events applied by the dialogue", ["channel"])
DIALOGUE_ERRORS = Counter("motcua_dialogue_errors_total", "Events the dialogue failed on (apology sent)")
JOB_FAILURES = Counter("motcua_job_failures_total", "Jobs released for a retry after an error")
TURN_SECONDS = Histogram(
    "motcua_turn_seconds",
    "Time to apply one inbound event (dialogue + transaction)",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
OUTBOX_SENT = Counter("motcua_outbox_sent_total", "Replies delivered", ["channel"])
OUTBOX_RETRIES = Counter("motcua_outbox_retries_total", "Reply deliveries that will be retried", ["channel"])
OUTBOX_FAILED = Counter("motcua_outbox_failed_total", "Replies given up on", ["channel"])
DOSSIERS = Counter("motcua_dossiers_submitted_total", "Dossiers submitted", ["procedure"])
WORKERS_BUSY = Gauge("motcua_worker_jobs_in_progress", "Jobs being worked on in this process")
MEDIA_REFUSED = Counter(
    "motcua_media_refused_total", "Attachment URLs refused by the fetch rules (SSRF guard)", ["channel"]
)
STALE_EVENTS = Counter(
    "motcua_stale_events_total", "Signed webhook events dropped as older than the replay window", ["channel"]
)
QUEUE_DEPTH = Gauge("motcua_queue_jobs", "Jobs waiting or in progress in the queue (all shards)")
QUEUE_LAG = Gauge("motcua_queue_lag_seconds", "Age of the oldest job in the queue")
OUTBOX_ROWS = Gauge("motcua_outbox_rows", "Outbox rows by status (held: outside a reply window)", ["status"])
SCRAPED_AT = Gauge("motcua_metrics_scraped_at_seconds", "When the database-read gauges were last refreshed")
DATABASE_DOWN = Gauge("motcua_worker_database_down", "1 while this process's worker waits for the database")
LOOP_LAG = Histogram(
    "motcua_event_loop_lag_seconds",
    "How late the event loop's 20 ms ticker woke (wall time: includes the machine's own load)",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1.0, 2.5),
)
LOOP_BLOCK = Histogram(
    "motcua_event_loop_block_seconds",
    "How long the event loop was kept from its ticker by its own work: the lateness, capped by the "
    "CPU time the loop's thread used meanwhile (the machine's load does not count)",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1.0, 2.5),
)
LOGIN_BUSY = Counter(
    "motcua_login_busy_total", "Logins refused because too many password checks were waiting"
)
