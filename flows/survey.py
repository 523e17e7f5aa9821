"""The satisfaction surveys (flows/survey.yml), validated on load: an unknown key, a question
kind that does not exist or a scale that is not 5..1 stops the start with the file named."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, field_validator, model_validator

SURVEY_FILE = Path(__file__).resolve().parent / "survey.yml"


class Option(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    key: str
    title: str


class Question(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    key: str
    kind: Literal["scale", "choice", "text"]
    ask: str
    options: tuple[Option, ...] = ()
    when_score_at_most: int | None = None

    @model_validator(mode="after")
    def _options(self) -> Question:
        if self.kind == "scale" and [o.key for o in self.options] != ["5", "4", "3", "2", "1"]:
            raise ValueError(f"{self.key}: a scale lists the scores 5, 4, 3, 2, 1 in this order")
        if self.kind == "choice" and not self.options:
            raise ValueError(f"{self.key}: a choice needs options")
        return self


class Survey(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    intro: str = ""
    questions: tuple[Question, ...]
    thanks: str

    @field_validator("questions")
    @classmethod
    def _some(cls, value: tuple[Question, ...]) -> tuple[Question, ...]:
        if not value:
            raise ValueError("a survey needs at least one question")
        return value


class Surveys(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    satisfied_from: int = 4
    surveys: dict[str, Survey]


@lru_cache(maxsize=2)
def load_surveys(path: Path = SURVEY_FILE) -> Surveys:
    try:
        return Surveys.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except ValueError as exc:
        raise ValueError(f"{path.name}: {exc}") from None
