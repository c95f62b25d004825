"""The connector engine: answers in, recommendation out. Pure Python; no Django here."""

from .answers import Answers, Devices, Organization, Partner
from .recommend import recommend
from .recommendation import Recommendation
from .rules import RULES, RULES_VERSION
from .validation import AnswersError, FieldError, parse_answers

__all__ = [
    "RULES",
    "RULES_VERSION",
    "Answers",
    "AnswersError",
    "Devices",
    "FieldError",
    "Organization",
    "Partner",
    "Recommendation",
    "parse_answers",
    "recommend",
]
