"""Validators of form fields: each returns (normalised value, None) or (None, problem code).

The codes are keys of `invalid` in flows/messages.yml, where the dialogue finds the sentence."""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

import yaml

from nlu.text import TEENCODE, fold

Result = tuple[str | None, str | None]
ANSWERS = yaml.safe_load((Path(__file__).resolve().parent / "answers.yml").read_text(encoding="utf-8"))

_PHONE = re.compile(r"^(?:\+?84|0)(3|5|7|8|9)(\d{8})$")
_DATE = re.compile(r"^(\d{1,2})[/.\-\s](\d{1,2})[/.\-\s](\d{2}|\d{4})$")


def plain(text: str) -> str:
    """Lower case, no diacritics, single spaces: how typed words are compared."""
    return " ".join(fold(text)[0].split())


def bare(text: str) -> str:
    """`plain` without punctuation: the words alone ("Hủy!" -> "huy", "1." -> "1")."""
    return " ".join(re.sub(r"[^\w\s]", " ", plain(text)).split())


def spelled_out(words: str) -> str:
    """Folded words with chat shorthand written in full, as the classifier reads them
    (nlu.text.TEENCODE): "vk e ms sinh" -> "vo em moi sinh"."""
    return " ".join(TEENCODE.get(w, w) for w in words.split())


#: Up to this many phrases, each is looked for in the message; beyond, the message's runs of words
#: are looked up in a set of the phrases (the human-request list has hundreds).
_SCAN_AT_MOST = 8


@functools.lru_cache(maxsize=256)
def phrase_set(phrases: tuple[str, ...]) -> tuple[frozenset[str], int]:
    """The phrases that can match single-spaced words, and the most words one of them has."""
    kept = frozenset(p for p in phrases if p and p == " ".join(p.split()))
    return kept, max((p.count(" ") + 1 for p in kept), default=0)


def has_phrase(words: str, phrases: list[str] | tuple[str, ...]) -> bool:
    """Whether one of `phrases` occurs in `words` as whole words (both already `bare`)."""
    if len(phrases) <= _SCAN_AT_MOST:
        padded = f" {words} "
        return any(f" {p} " in padded for p in phrases)
    kept, longest = phrase_set(tuple(phrases))
    tokens = words.split()
    for size in range(1, min(longest, len(tokens)) + 1):
        for i in range(len(tokens) - size + 1):
            if " ".join(tokens[i : i + size]) in kept:
                return True
    return False


_DAY_MONTH = re.compile(r"^(\d{1,2})[/.\-\s](\d{1,2})$")


def _spoken_date(text: str) -> tuple[int, int, int | None] | None:
    """A date in words or without its year: "mùng 1 tháng 12 năm 2025", "1/12", "ngày 5 tháng 3"."""
    words = bare(text)
    m = _DAY_MONTH.match(text.strip())
    if m:
        return int(m.group(1)), int(m.group(2)), None
    w = ANSWERS["date_words"]
    day = "|".join(w["day"])
    month = "|".join(w["month"])
    year = "|".join(w["year"])
    m = re.fullmatch(
        rf"(?:(?:{day}) )?(\d{{1,2}}) (?:{month}) (\d{{1,2}})(?: (?:{year}) (\d{{2}}|\d{{4}}))?", words
    )
    if m:
        return int(m.group(1)), int(m.group(2)), int(m.group(3)) if m.group(3) else None
    return None


def spoken_number(words: str) -> int | None:
    """A whole number written in digits or in Vietnamese words, 1 to 99 for words ("hai" 2,
    "mười lăm" 15, "hai mươi mốt" 21); `words` already `bare`. None if it is not one."""
    if words.isdigit():
        return int(words)
    units: dict[str, int] = ANSWERS["number_words"]["units"]
    tokens = words.split()
    if not tokens or len(tokens) > 3:
        return None
    ten = ANSWERS["number_words"]["ten"]
    tens_word = ANSWERS["number_words"]["tens"]
    if tokens[0] in ten:  # mười, mười lăm
        rest = tokens[1:]
        if not rest:
            return 10
        return 10 + units[rest[0]] if len(rest) == 1 and rest[0] in units else None
    if tokens[0] not in units:
        return None
    if len(tokens) == 1:
        return units[tokens[0]]
    if tokens[1] not in tens_word:
        return None
    value = 10 * units[tokens[0]]
    if len(tokens) == 3:
        if tokens[2] not in units:
            return None
        value += units[tokens[2]]
    return value


def relative_day(text: str, today: dt.date) -> dt.date | None:
    """ "hôm nay", "hôm qua", "hôm kia", "ngày mai", "3 hôm trước", "năm ngày trước" as a date."""
    words = bare(text)
    delta = ANSWERS["relative_days"].get(words)
    if delta is None:
        tokens = words.split()
        days = spoken_number(" ".join(tokens[:-2])) if len(tokens) > 2 else None
        ago = ANSWERS["days_ago"]
        if days is None or tokens[-2] not in ago["units"] or tokens[-1] not in ago["ago"]:
            return None
        delta = -days
    return today + dt.timedelta(days=int(delta))


def _date_parts(text: str, today: dt.date, past: bool) -> tuple[int, int, int] | None:
    relative = relative_day(text, today)
    if relative is not None:
        return relative.day, relative.month, relative.year
    m = _DATE.match(text.strip())
    if m:
        d, mth, y = (int(g) for g in m.groups())
        if y < 100:
            y += 2000 if not past or 2000 + y <= today.year else 1900
        return d, mth, y
    spoken = _spoken_date(text)
    if spoken is None:
        return None
    d, mth, year = spoken
    if year is None:  # no year said: this year, or last year when that would be in the future
        year = today.year
        if past and (mth, d) > (today.month, today.day):
            year -= 1
    elif year < 100:
        year += 2000 if not past or 2000 + year <= today.year else 1900
    return d, mth, year


def person_name(text: str) -> Result:
    name = " ".join(text.split())
    name = unicodedata.normalize("NFC", name)
    if not 2 <= len(name.split()) <= 7:
        return None, "name_too_short"
    if not all(ch.isalpha() or ch == " " for ch in name) or len(name) > 80:
        return None, "name_not_letters"
    return name.upper(), None


def date_past(text: str, today: dt.date | None = None) -> Result:
    today = today or dt.date.today()
    parts = _date_parts(text, today, past=True)
    if parts is None:
        return None, "date_format"
    d, mth, y = parts
    try:
        value = dt.date(y, mth, d)
    except ValueError:
        return None, "date_not_on_calendar"
    if value > today:
        return None, "date_in_future"
    if value.year < today.year - 120:
        return None, "date_too_far"
    return value.isoformat(), None


def vn_phone(text: str) -> Result:
    digits = re.sub(r"[\s.\-()]", "", text.strip())
    if re.fullmatch(r"\+?[\doO]+", digits) and sum(c.isdigit() for c in digits) >= 8:
        digits = digits.replace("o", "0").replace("O", "0")  # "09o3 456 789": a letter o for a zero
    m = _PHONE.match(digits)
    if not m:
        return None, "phone_format"
    return "0" + m.group(1) + m.group(2), None


def date_any(text: str, today: dt.date | None = None) -> Result:
    """A date in the past or the future (e.g. a planned date), within a sane range."""
    today = today or dt.date.today()
    parts = _date_parts(text, today, past=False)
    if parts is None:
        return None, "date_format"
    d, mth, y = parts
    try:
        value = dt.date(y, mth, d)
    except ValueError:
        return None, "date_not_on_calendar"
    if abs(value.year - today.year) > 120:
        return None, "date_too_far"
    return value.isoformat(), None


def id_number(text: str) -> Result:
    digits = re.sub(r"[\s.\-]", "", text.strip())
    if not re.fullmatch(r"\d{9}|\d{12}", digits):
        return None, "id_number_format"
    return digits, None


def address(text: str) -> Result:
    value = " ".join(unicodedata.normalize("NFC", text).split())
    if len(value.split()) < 3 or len(value) > 300:
        return None, "address_too_short"
    return value, None


def text(value: str) -> Result:
    value = " ".join(unicodedata.normalize("NFC", value).split())
    if not 1 <= len(value) <= 500:
        return None, "text_length"
    return value, None


def positive_int(value: str) -> Result:
    """A count, in digits or words, with or without its unit ("2", "hai", "hai trang", "3 bản")."""
    digits = value.strip().replace(".", "").replace(",", "")
    if not digits.isdigit():
        said = bare(value)
        for unit in sorted(ANSWERS["count_units"], key=len, reverse=True):
            if said.endswith(" " + unit):
                said = said[: -len(unit) - 1]
                break
        number = spoken_number(said)
        digits = str(number) if number is not None else ""
    if not digits.isdigit() or not 0 < int(digits) < 1_000_000:
        return None, "not_positive_int"
    return str(int(digits)), None


def _unpadded(said: str) -> str:
    """A folded answer without the politeness words before and after it ("dạ bé gái ạ" -> "be
    gai"); the words themselves when nothing else is left."""
    padding = set(ANSWERS["filler_words"]) | set(ANSWERS["hold_fillers"])
    tokens = said.split()
    while len(tokens) > 1 and tokens[-1] in padding:
        tokens.pop()
    while len(tokens) > 1 and tokens[0] in padding:
        tokens.pop(0)
    return " ".join(tokens)


def choice(value: str, options: list[str]) -> Result:
    """One of `options`, by its number or its text (with or without diacritics)."""
    raw = value.strip().rstrip(".")
    if raw.isdigit() and 1 <= int(raw) <= len(options):
        return options[int(raw) - 1], None
    said = bare(raw)
    for form in dict.fromkeys([said, _unpadded(said)]):  # as said, then without "dạ … ạ" around it
        for option in options:
            if form == bare(option):
                return option, None
        for option in options:  # the other ways to say it ("bé gái", "con gai" for Nữ)
            if form in ANSWERS["choice_synonyms"].get(option, ()):
                return option, None
    # the option's words in another order, or with a few of its own left out ("thẻ bị mất" for
    # "Bị mất thẻ", "hết hạn" for "Thẻ hết hạn hoặc đến tuổi phải đổi"): when exactly one fits
    known = {w for o in options for w in bare(o).split()}
    words = {w for w in said.split() if w in known or w not in ANSWERS["filler_words"]}
    fits = [o for o in options if len(words) >= 2 and words <= set(bare(o).split())]
    if len(fits) == 1:
        return fits[0], None
    return None, "not_an_option"  # the sentence lists the options


VALIDATORS: dict[str, Callable[..., Result]] = {
    "person_name": person_name,
    "date_past": date_past,
    "date_any": date_any,
    "vn_phone": vn_phone,
    "id_number": id_number,
    "address": address,
    "text": text,
    "positive_int": positive_int,
    "choice": choice,
}


def validate(
    validator: str, value: str, options: list[str] | None = None, today: dt.date | None = None
) -> Result:
    """`today` is the agency's date (the machine's may be a day behind Viet Nam's)."""
    if validator == "choice":
        return choice(value, options or [])
    if validator in {"date_past", "date_any"}:
        return VALIDATORS[validator](value, today)
    return VALIDATORS[validator](value)


def asks(text: str, plain: str) -> bool:
    """Whether a message is a question rather than an answer (a name has no question words);
    `plain` is the message folded (`bare`)."""
    words = plain.split()
    return (
        text.rstrip().endswith("?")
        or has_phrase(plain, ANSWERS["question_words"])
        or (len(words) > 1 and words[-1] in ANSWERS["question_endings"])
        or any(plain.startswith(w + " ") for w in ANSWERS["question_openings"])
    )


#: Politeness words around an answer ("dạ", "ạ", "nhé"): the same as midway's filler words.
_FILLERS = frozenset(ANSWERS["filler_words"])
#: Words that may stand between "mất" and its date ("mất vào ngày 5/12", "mất lúc hôm qua").
DATE_GAP_WORDS = _FILLERS | {"vao", "luc", "tu", "hoi", "da", "moi", "ngay"}
#: "mất" written with its diacritics: "mặt" (face, a card's side) and "mắt" (eye) are other words.
DIED = "mất"


def date_after(text: str, words: list[str], validator: str, today: dt.date) -> tuple[str, list[str]] | None:
    """The date said right after one of `words` ("mất hôm kia ạ" -> the day before yesterday),
    allowing a word or two between ("mất vào ngày 5/12") but no paper's name ("mất giấy báo tử hôm
    qua"), and the message's other words; None when there is none. "mất" counts written so, or
    undiacritised "mat" with its date right after (one polite word at most); never "mặt", "mắt"."""
    said = [t.strip(",.!?;:…") for t in unicodedata.normalize("NFC", text).lower().split()]
    tokens = [plain(t) for t in said]
    for i in range(len(tokens)):
        for phrase in words:
            n = len(phrase.split())
            if " ".join(tokens[i : i + n]) != phrase:
                continue
            first = said[i]
            undiacritised = first == tokens[i]
            if tokens[i] == "mat" and first != DIED and not undiacritised:
                continue  # "mặt trước", "mắt": not "died"
            gap, allowed = (1, _FILLERS) if tokens[i] == "mat" and undiacritised else (2, DATE_GAP_WORDS)
            for start in range(i + n, min(i + n + gap + 1, len(tokens))):
                if not set(tokens[i + n : start]) <= allowed:
                    break
                for end in range(min(len(tokens), start + 6), start, -1):  # the longest date first
                    value, problem = validate(validator, " ".join(tokens[start:end]), [], today)
                    if value and not problem:
                        return str(value), tokens[:i] + tokens[end:]
    return None
