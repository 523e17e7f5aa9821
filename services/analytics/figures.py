"""The counters one block of metrics is made of (the whole period, one channel or one
procedure), and their summary as the report, the API and the dashboard show it."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from typing import Any

CSAT_TARGET = 0.8  # the seeds' services: more than 80 % satisfied
TOP_UNANSWERED = 5
# the funnel, in order; the first two count conversations, the rest dossiers (flows' consent
# creates the dossier, so "consent given" is the first dossier stage)
FUNNEL = (
    "conversations",
    "chose_procedure",
    "consent_given",
    "documents_done",
    "submitted",
    "accepted",
    "completed",
)
REFUSED_AT = "accepted"  # the stage a refused dossier did not reach (refusal comes before acceptance)


def share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def median(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None


class Block:
    def __init__(self) -> None:
        self.n: Counter[str] = Counter()
        self.problems: Counter[str] = Counter()
        self.retakes: Counter[str] = Counter()
        self.unanswered: Counter[str] = Counter()
        self.scores: Counter[int] = Counter()
        self.durations: dict[str, list[float]] = defaultdict(list)

    def summary(self, satisfied_from: int) -> dict[str, Any]:
        n = self.n
        funnel, previous = [], None
        for stage in FUNNEL:
            count = n[f"funnel.{stage}"]
            # a refused dossier is the office's answer, not a citizen who dropped off: shown
            # apart at the stage it did not reach, and out of that stage's drop-off; so is a filed
            # dossier still waiting for the office's decision or its result (`waiting`)
            refused = n["funnel.refused"] if stage == REFUSED_AT else 0
            waiting = n[f"funnel.waiting.{stage}"]
            base = None if previous is None else previous - refused - waiting
            drop = None if not base else round(1 - count / base, 4)
            funnel.append(
                {"stage": stage, "count": count, "refused": refused, "waiting": waiting, "drop_off": drop}
            )
            previous = count
        answers = sum(self.scores.values())
        satisfied = sum(c for s, c in self.scores.items() if s >= satisfied_from)
        csat = share(satisfied, answers)
        return {
            "conversations_started": n["funnel.conversations"],
            "consent_refused": n["consent_refused"],
            "dossiers": {
                k: n[f"dossiers.{k}"] for k in ("created", "submitted", "accepted", "rejected", "completed")
            },
            "funnel": funnel,
            "fallback": {
                "turns": n["turns.text"],
                "fallbacks": n["turns.fallback"],
                "rate": share(n["turns.fallback"], n["turns.text"]),
                "top_unanswered": [
                    {"text": t, "count": c}
                    for t, c in sorted(self.unanswered.items(), key=lambda tc: (-tc[1], tc[0]))[
                        :TOP_UNANSWERED
                    ]
                ],
            },
            "containment": {
                "completed": n["dossiers.completed"],
                "without_officer": n["contained"],
                "rate": share(n["contained"], n["dossiers.completed"]),
            },
            "photos": {
                "checked": n["photos.checked"],
                "rejected": n["photos.rejected"],
                "by_problem": dict(sorted(self.problems.items())),
                "retakes_by_document": dict(sorted(self.retakes.items())),
            },
            "median_time_to_submit_s": median(self.durations["to_submit"]),
            "officer_first_response_s": median(self.durations["first_response"]),
            "resolution_s": median(self.durations["resolution"]),
            "bot_latency_ms": median(self.durations["latency_ms"]),
            "overdue": {
                "due": n["due"],
                "overdue": n["overdue"],
                "share": share(n["overdue"], n["due"]),
            },
            "csat": {
                "answers": answers,
                "satisfied": satisfied,
                "share": csat,
                "target": CSAT_TARGET,
                "met": None if csat is None else csat > CSAT_TARGET,
                "by_score": {str(s): self.scores[s] for s in range(1, 6)},
            },
            "no_diacritics": {
                "messages": n["text.letters"],
                "without": n["text.plain"],
                "share": share(n["text.plain"], n["text.letters"]),
            },
        }


class Blocks:
    """One block for the whole period, one per channel, one per procedure."""

    def __init__(self) -> None:
        self.all = Block()
        self.channel: dict[str, Block] = defaultdict(Block)
        self.procedure: dict[str, Block] = defaultdict(Block)

    def of(self, channel: str | None, procedures: set[str] | str | None) -> list[Block]:
        found = [self.all]
        if channel:
            found.append(self.channel[channel])
        for p in [procedures] if isinstance(procedures, str) else sorted(procedures or ()):
            if p:
                found.append(self.procedure[p])
        return found

    def count(self, blocks: list[Block], key: str, n: int = 1) -> None:
        for b in blocks:
            b.n[key] += n

    def summary(self, satisfied_from: int) -> dict[str, Any]:
        return {
            "overall": self.all.summary(satisfied_from),
            "by_channel": {k: v.summary(satisfied_from) for k, v in sorted(self.channel.items())},
            "by_procedure": {k: v.summary(satisfied_from) for k, v in sorted(self.procedure.items())},
        }
