"""Detect personal identifiers in forum posts and essay answers before they are saved.

Participants discuss real cases in the forums.  Before a post is stored the
portal runs :func:`find_identifiers` over it so that the author can anonymise
anything that looks like a phone number, e-mail address, passport or ID
number, street address or date of birth, or confirm that it is harmless.

The detector is deliberately heuristic: regular expressions plus a few
context rules (keywords such as "passport no." or "born", units and currency
next to numbers, reference words such as "Article" or "page").  It favours
catching identifiers over silence, but tries hard not to flag the dates,
article numbers, resolution symbols and statistics that fill a curriculum on
the victim-centred approach.  It has no network access and no model.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = ["KIND_LABELS", "Finding", "find_identifiers"]

KIND_LABELS: dict[str, str] = {
    "phone": "phone number",
    "email": "e-mail address",
    "id_number": "passport or ID number",
    "address": "street address",
    "date_of_birth": "date of birth",
}


@dataclass(frozen=True)
class Finding:
    """One personal identifier found in a text, with its character span."""

    kind: str
    text: str
    start: int
    end: int


# Overlapping candidates are resolved by priority first, then by length.
_PRIORITY = {
    "email": 60,
    "date_of_birth": 50,
    "id_keyword": 45,
    "address": 40,
    "id_number": 35,
    "phone": 30,
}


# --------------------------------------------------------------------------- scanning near keywords

# Most patterns can only match around a keyword ("passport", "born", "Magu", "@"...).
# Scanning a 20,000-character post with each of them costs a few milliseconds per pattern
# even when nothing matches, so they run only over the stretches of text around their
# keywords: overlapping stretches are merged, so even a post made of one keyword repeated
# is scanned once per pattern (linear time, never quadratic).
_WORD = re.compile(r"[^\W\d_]+")


@functools.lru_cache(maxsize=8)
def _word_starts(text: str) -> dict[str, list[int]]:
    """Where each word (lower-cased) starts in the text."""
    starts: dict[str, list[int]] = {}
    for m in _WORD.finditer(text):
        starts.setdefault(m.group().lower(), []).append(m.start())
    return starts


def _spans(
    text: str, words: frozenset[str], before: int, after: int, chars: str = ""
) -> Iterator[tuple[int, int]]:
    """The stretches from ``before`` characters ahead of each keyword (a word in ``words``
    or one of ``chars``) to ``after`` characters past it, overlapping ones merged."""
    index = _word_starts(text)
    hits = [start for word in words for start in index.get(word, ())]
    for char in chars:
        at = text.find(char)
        while at >= 0:
            hits.append(at)
            at = text.find(char, at + 1)
    if not hits:
        return
    hits.sort()
    span_start, span_end = max(0, hits[0] - before), hits[0] + after
    for hit in hits[1:]:
        if hit - before > span_end:
            yield span_start, min(len(text), span_end)
            span_start = max(0, hit - before)
        span_end = hit + after
    yield span_start, min(len(text), span_end)


def _near(
    pattern: re.Pattern[str],
    text: str,
    words: frozenset[str],
    before: int,
    after: int,
    chars: str = "",
) -> Iterator[re.Match[str]]:
    """The matches of ``pattern`` within the stretches around its keywords. Every match of
    such a pattern holds a keyword, so the result equals a scan of the whole text."""
    for span_start, span_end in _spans(text, words, before, after, chars):
        yield from pattern.finditer(text, span_start, span_end)


# --------------------------------------------------------------------------- e-mail

_EMAIL = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9](?:[\w.+-]*[\w+-])?"
    r"@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,24}\b"
)

_AT_BRACKET = r"\s*[\[({<]\s*at\s*[\])}>]\s*"
_DOT_BRACKET = r"\s*[\[({<]\s*dot\s*[\])}>]\s*"
_AT_WORD = r"\s+at\s+"
_DOT_WORD = r"\s+dot\s+"
_ANY_DOT = rf"(?:{_DOT_BRACKET}|{_DOT_WORD}|\.)"
_LABEL = r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?"
_TLD = r"(?:com|org|net|edu|gov|int|info|biz|mil|io|asia|ngo|[a-z]{2})"

_OBFUSCATED_EMAIL = re.compile(
    rf"(?<![\w.+-])(?P<local>[a-z0-9][\w+-]*(?:{_ANY_DOT}[\w+-]+)*)"
    rf"(?P<at>{_AT_BRACKET}|{_AT_WORD}|\s+@\s+)"
    rf"(?P<domain>{_LABEL}(?:{_ANY_DOT}{_LABEL})*{_ANY_DOT}{_TLD})(?![\w-])",
    re.IGNORECASE,
)

_WEBMAIL = frozenset(
    "gmail googlemail yahoo ymail rocketmail hotmail outlook live msn icloud me aol "
    "proton protonmail zoho gmx mail yandex qq 163 126 naver daum hanmail rediffmail".split()
)


# Words before a plain " at " that are prose rather than the local part of an address.
_NOT_LOCAL_PART = frozenset(
    "it its us me him her them you we they this that here there someone anyone everyone "
    "look looked arrive arrived stay stayed meet met work worked live lived is was are were "
    "be been found left".split()
)


_NO_WORDS: frozenset[str] = frozenset()
_AT_WORDS = frozenset({"at"})


def _email_candidates(text: str) -> list[tuple[int, int, str]]:
    found = [(m.start(), m.end(), "email") for m in _near(_EMAIL, text, _NO_WORDS, 80, 260, "@")]
    for span_start, span_end in _spans(text, _AT_WORDS, 90, 140, "@"):
        pos = span_start
        while (m := _OBFUSCATED_EMAIL.search(text, pos, span_end)) is not None:
            domain = m.group("domain")
            plain_at = "@" not in m.group("at") and not re.search(r"[\[({<]", m.group("at"))
            word_dot = re.search(rf"{_DOT_BRACKET}|{_DOT_WORD}", domain, re.IGNORECASE)
            first_label = re.split(rf"{_ANY_DOT}", domain, flags=re.IGNORECASE)[0].lower()
            prose_local = plain_at and m.group("local").lower() in _NOT_LOCAL_PART
            if prose_local or plain_at and not word_dot and first_label not in _WEBMAIL:
                # "more information at www.iom.int" is a web site, not an address.
                pos = m.start() + 1
                continue
            found.append((m.start(), m.end(), "email"))
            pos = m.end()
    return found


# --------------------------------------------------------------------------- dates

_MONTH = (
    r"(?:(?:January|February|March|April|May|June|July|August|September|October|November"
    r"|December)\b|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\b\.?)"
)
_DAY = r"(?:0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d{2}"
_NUM_DAY = r"(?:0?[1-9]|[12]\d|3[01])"
_NUM_MONTH = r"(?:0?[1-9]|1[0-2])"

_DATE_FULL = re.compile(
    r"(?<![\w/.-])(?:"
    rf"{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}"
    rf"|{_MONTH}\s+{_DAY},?\s+{_YEAR}"
    rf"|{_NUM_DAY}(?P<s1>[./-]){_NUM_MONTH}(?P=s1)(?:{_YEAR}|\d{{2}})"
    rf"|{_NUM_MONTH}(?P<s2>[./-]){_NUM_DAY}(?P=s2)(?:{_YEAR}|\d{{2}})"
    rf"|{_YEAR}(?P<s3>[./-]){_NUM_MONTH}(?P=s3){_NUM_DAY}"
    rf"|{_NUM_DAY}(?P<s4>[-/ ]){_MONTH}(?P=s4){_YEAR}"
    rf"|{_MONTH},?\s+{_YEAR}"
    r")(?![\w/-]|\.\d)"
)
_DATE_DAY_MONTH = re.compile(
    rf"(?<![\w/.-])(?:{_DAY}\s+(?:of\s+)?{_MONTH}|{_MONTH}\s+{_DAY})(?![\w/-]|\.\d)"
)
_YEAR_ONLY = re.compile(rf"(?<![\w/.-]){_YEAR}(?![\w/-]|\.\d)")

_DOB_KEYWORD = re.compile(
    r"(?P<strong>\bD\.?\s?O\.?\s?B\b\.?|\bdate\s+of\s+birth\b|\bbirth\s?date\b"
    r"|(?<![\w.])(?-i:b)\.(?=\s*\d))"
    r"|(?P<born>\bborn\b)"
    r"|(?P<birthday>\bbirthday\b)",
    re.IGNORECASE,
)
# Words that, between "born" and a date, show the date belongs to something else.
_DOB_GAP_STOP = frozenset(
    "after before since until till between from by during prior following when and but "
    "who which that while where than later earlier".split()
)
_DOB_AFTER_DATE = re.compile(
    r"\s*(?:\(\s*(?:DOB|D\.O\.B\.?|date\s+of\s+birth|birth\s?date|born)\s*\)"
    r"|[\s,]*(?:[^\W\d_][\w'’-]*\s+){0,3}(?:date\s+of\s+birth|birth\s?date|birthday|DOB)\b"
    r"|[\s,]*(?:[^\W\d_][\w'’-]*[\s,]+){0,4}(?:was|were|is|being)\s+(?P<born>born)\b)",
    re.IGNORECASE,
)


def _dob_gap_ok(gap: str, max_words: int) -> bool:
    """Tell whether the text between a birth keyword and a date ties them together."""
    if any(ch.isdigit() for ch in gap) or any(ch in ".;!?\n" for ch in gap):
        return False
    words = re.findall(r"[^\W\d_][\w'’-]*", gap)
    if len(words) > max_words:
        return False
    return not any(w.lower() in _DOB_GAP_STOP for w in words)


@functools.lru_cache(maxsize=8)
def _digit_positions(text: str) -> list[int]:
    return [m.start() for m in re.finditer(r"\d", text)]


_DOB_WORDS = frozenset("dob d date birth birthdate born birthday b".split())
_DOB_AFTER_WORDS = frozenset("dob d date birth birthdate born birthday".split())


def _dob_candidates(text: str) -> list[tuple[int, int, str]]:
    found: list[tuple[int, int, str]] = []
    used_keywords: set[int] = set()
    digits = _digit_positions(text)
    for kw in _near(_DOB_KEYWORD, text, _DOB_WORDS, 2, 24):
        window_end = min(len(text), kw.end() + 80)
        # A birth date holds a digit, and no digit may come between the keyword and the
        # date: the date starts at the first digit after the keyword or a few words
        # before it ("March 3, 2006"), so the search need not reach further.
        first = bisect.bisect_left(digits, kw.end())
        if first == len(digits) or digits[first] >= window_end:
            continue
        window_end = min(window_end, digits[first] + 40)
        if kw.group("strong"):
            patterns = (_DATE_FULL, _DATE_DAY_MONTH, _YEAR_ONLY)
            max_words = 4
        elif kw.group("born"):
            patterns = (_DATE_FULL, _DATE_DAY_MONTH)
            max_words = 6
        else:
            patterns = (_DATE_FULL, _DATE_DAY_MONTH)
            max_words = 4
        if kw.group().lower() == "b.":
            max_words = 0
        best: re.Match[str] | None = None
        for pattern in patterns:
            m = pattern.search(text, kw.end(), window_end)
            if m is not None and (best is None or m.start() < best.start()):
                best = m
        if best is not None and _dob_gap_ok(text[kw.end() : best.start()], max_words):
            found.append((best.start(), best.end(), "date_of_birth"))
            used_keywords.add(kw.start())
    # A full date followed by "(DOB)", "is her date of birth", "... was born".
    for m in _near(_DATE_FULL, text, _DOB_AFTER_WORDS, 130, 2):
        after = _DOB_AFTER_DATE.match(text, m.end(), min(len(text), m.end() + 70))
        if after is None or any(ch in ".;!?\n" for ch in after.group()):
            continue
        if after.group("born") and after.start("born") in used_keywords:
            continue  # "turned 18 on 4 July 2020, so she was born on 4 July 2002"
        found.append((m.start(), m.end(), "date_of_birth"))
    return found


# --------------------------------------------------------------------------- ID numbers

_CURRENCY_CODES = frozenset(
    "USD EUR GBP JPY CNY RMB KRW THB PHP IDR MYR SGD HKD AUD NZD INR PKR BDT LKR NPR "
    "MVR MNT KHR LAK MMK VND BND AFN IRR TWD CHF CAD RM RP RS US".split()
)

_ALNUM_ID = re.compile(
    r"(?<![\w/.-])(?P<id>"
    r"(?P<letters>[A-Z]{1,3})\d{6,9}[A-Z]?"  # P1234567, EB0123456, S1234567D
    r"|(?P<letters2>[A-Z]{1,2})\s\d{7,8}"  # P 1234567
    r"|[A-Z]{2}\s\d{3}\s\d{4}"  # AA 123 4567
    r"|[A-Z]{5}\d{4}[A-Z]"  # Indian PAN
    r"|\d{6}-[1-4]\d{6}"  # Korean resident registration number
    r"|\d{6}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dX]"  # Chinese RIC
    r"|\d{9}[VX]"  # Sri Lankan old NIC
    r"|\d{8}[A-Z]"
    r")(?![\w/-])"
)

# Mongolian civil register number (регистрийн дугаар): two Cyrillic letters and eight digits,
# the digits YYMMDD of the birth date (20 is added to the month for births from 2000) and two
# more, e.g. УБ99031512. Confirmed only by the validation code of Mongolian applications
# (khsbyr/MIS src/constants/Pattern.js: two letters incl. Ө and Ү, then eight digits), not by
# an official source, so the month and day must look like a birth date.
_MN_REGISTER = re.compile(r"(?<![\w/.-])[А-ЯЁӨҮа-яёөү]{2}\s?(?P<digits>\d{8})(?![\w/-])")


def _mn_register_ok(digits: str) -> bool:
    month, day = int(digits[2:4]), int(digits[4:6])
    return (1 <= month <= 12 or 21 <= month <= 32) and 1 <= day <= 31


_ID_KEYWORD = re.compile(
    r"(?:(?P<strong>\bpassport|\b(?-i:ID|I\.D|IC|NIC|CNIC|NRIC|NID|KTP|NIK|PAN|UMID|SSS|TIN|NIN"
    r"|PSN|PCN)"
    r"|\bidentity\s+card|\bnational\s+id(?:entity)?(?:\s+card)?|\baadhaa?r|\bmykad|\bphilsys"
    r"|\bphilid"
    r"|\bvoter\s+id|\bcitizenship\s+(?:card|certificate))"
    r"|(?P<weak>\bcase|\bfile|\breference|\bref|\bregistration|\bwork\s+permit|\bpermit"
    r"|\bvisa|\bdocket|\bcomplaint|\baccount|\bcertificate|\bidentification"
    r"|\bcitizenship|\bdriver'?s\s+licen[cs]e|\blicen[cs]e|\bemployee|\bseafarer'?s?"
    r"|\bseaman'?s?\s+book|\bmembership|\bcontrol))\b\.?"
    r"(?P<suffix>(?:\s*(?:card|book|no|nos|num|number|id|ref)\b\.?){0,2})"
    r"(?P<conn>\s*[:#]|\s*\bno\.?\s*:|\s+(?:is|was|reads|read)\b)?"
    r"\s*"
    r"(?P<tok>(?-i:(?:[A-Z]{1,4}[\s/-]?)?\d[\dA-Z]*"
    r"(?:(?:[/-](?:[A-Z]{1,4}[/-])?|\s|\.)\d[\dA-Z]*){0,5}))"
    r"(?![\w])",
    re.IGNORECASE,
)
_YEARISH_TOKEN = re.compile(rf"{_YEAR}(?:\s*[-/–]\s*(?:{_YEAR}|\d{{2}}))?")


_ID_WORDS = frozenset(
    "passport id i ic nic cnic nric nid ktp nik pan umid sss tin nin psn pcn philsys philid "
    "identity national "
    "aadhaar aadhar mykad voter citizenship case file reference ref registration work permit "
    "visa docket complaint account certificate identification driver drivers licence license "
    "employee seafarer seafarers seaman membership control".split()
)


def _id_candidates(text: str) -> list[tuple[int, int, str]]:
    found: list[tuple[int, int, str]] = []
    for m in _near(_ID_KEYWORD, text, _ID_WORDS, 1, 160):
        tok = m.group("tok")
        digits = sum(ch.isdigit() for ch in tok)
        has_letter = any(ch.isalpha() for ch in tok)
        labelled = bool(m.group("suffix").strip() or (m.group("conn") or "").strip())
        if m.group("weak") and not labelled:
            continue
        if digits < (4 if labelled or has_letter else 5):
            continue
        if _YEARISH_TOKEN.fullmatch(tok):
            continue
        found.append((m.start("tok"), m.end("tok"), "id_keyword"))
    for m in _MN_REGISTER.finditer(text):
        if _mn_register_ok(m.group("digits")):
            found.append((m.start(), m.end(), "id_number"))
    for m in _ALNUM_ID.finditer(text):
        letters = m.group("letters") or m.group("letters2")
        if letters and letters in _CURRENCY_CODES:
            continue
        found.append((m.start(), m.end(), "id_number"))
    return found


# --------------------------------------------------------------------------- number runs

# A run of digit groups joined by the separators people use in phone and ID numbers.
_RUN = re.compile(
    r"(?<![\w+/.,:;$€£¥₱฿#@&=-])"
    r"(?:\+[ \u00a0]?|\(\+)?\(?\d++"
    r"(?:(?:[ \u00a0]?\(|\)[ \u00a0.-]?|[ \u00a0.-]|[ \u00a0][-–][ \u00a0])\d++)*+\)?"
)
_DIGITS = re.compile(r"\d+")

_PHONE_CONTEXT = re.compile(
    r"(?:\b(?:tel(?:ephone)?|phone|phones|phoned|mobile|mob|cell(?:phone)?|handphone|call|called"
    r"|calling|ring|rang|dial|dialled|dialed|text|texted|texting|messaged"
    r"|sms|whats\s?app|viber|telegram|wechat|zalo|signal|fax|hotline|helpline"
    r"|contact\s+(?:no|number)|reach\s+(?:her|him|them|me|us)"
    r"|(?:my|his|her|their|our|your|new|old|local)\s+(?:\w+\s+)?number)"
    r"|(?-i:\bHP|\bLine|\bLINE|\bPh))"
    r"\b\.?\s*(?:(?:no|number|#)\b\.?)?\s*[:#,-]?\s*"
    r"(?:[^\W\d_][\w'’-]*\s+){0,4}\(?$",
    re.IGNORECASE,
)
_UNIT_AFTER = re.compile(
    r"\s*(?:%|per\s*cent|percent|km|kms|kg|cm|mm|m2|sq|ha|hectares?|tonnes?|tons?|miles?"
    r"|people|persons?|individuals|victims?|survivors?|cases?|children|women|men|girls|boys"
    r"|workers?|migrants?|participants?|households?|families|calls|units?|hours?|days?"
    r"|weeks?|months?|years?|times|million|billion|thousand|crore|lakh|usd|dollars?|baht"
    r"|pesos?|ringgit|rupees?|taka|yen|won|dong|yuan|euros?|kyat|riel)\b",
    re.IGNORECASE,
)
_CURRENCY_BEFORE = re.compile(
    r"(?:\b(?-i:USD|US|EUR|GBP|JPY|CNY|RMB|KRW|THB|PHP|IDR|MYR|SGD|HKD|AUD|NZD|INR|PKR|BDT"
    r"|LKR|NPR|MVR|MNT|KHR|LAK|MMK|VND|RM|Rp|Rs|Tk)\.?|\b(?:baht|pesos?|rupees?|ringgit)"
    r"|[$€£¥₱฿₹₩₫৳])\s*$",
    re.IGNORECASE,
)
_REFERENCE_BEFORE = re.compile(
    r"\b(?:p|pp|page|pages|para|paras|paragraphs?|art|arts|articles?|no|nos"
    r"|res|resolutions?|isbn|issn|doi|vol|volume|chapter|sections?|tables?|fig|figures?"
    r"|annex|footnotes?|notes?|rules?|regulations?|act|law|code|decision|decree|conventions?"
    r"|protocol|items?|serial|version|grant|project|contract|sessions?|modules?|units?"
    r"|step|level|room|goal|target|indicator|sdg|between)\.?\s*$",
    re.IGNORECASE,
)


# Every match of _PHONE_CONTEXT holds one of these words (lower-cased), so a run with none of
# them in the 60 characters before it has no phone context and needs no regex search.
_PHONE_WORDS = frozenset(
    "tel telephone phone phones phoned mobile mob cell cellphone handphone call called calling "
    "ring rang dial dialled dialed text texted texting messaged sms whats whatsapp viber "
    "telegram wechat zalo signal fax hotline helpline contact reach number hp line ph".split()
)


_ENDINGS = ".$€£¥₱฿₹₩₫৳"


def _before_matches(pattern: re.Pattern[str], text: str, end: int, reach: int) -> bool:
    """Whether ``pattern`` (which ends in ``\\s*$``) matches in the 60 characters before
    ``end``. Only its last word can match, so only ``reach`` characters before the trailing
    spaces are searched: the same answer as a search of all 60, at a fraction of the cost."""
    floor = max(0, end - 60)
    word_end = end
    while word_end > floor and text[word_end - 1].isspace():
        word_end -= 1
    if word_end == floor or not (text[word_end - 1].isalpha() or text[word_end - 1] in _ENDINGS):
        return False  # both patterns end in a letter, a full stop or a currency sign
    return pattern.search(text, max(floor, word_end - reach), end) is not None


def _is_yearish(group: str) -> bool:
    return len(group) == 4 and group[:2] in ("19", "20")


def _classify_digits(run: str, groups: list[str], seps: list[str], phone_context: bool) -> str:
    """Return "phone", "id_number" or "" for a run of digit groups."""
    digits = "".join(groups)
    n = len(digits)
    shape = tuple(len(g) for g in groups)
    plus = run.startswith(("+", "(+"))
    hyphens = bool(seps) and all("-" in s for s in seps)

    if not plus and all(map(_is_yearish, groups)):
        return ""  # 2015 2016 2017
    if not plus and "." in "".join(seps) and any(" " in s for s in seps):
        return ""  # a list of decimals such as 0.12 0.15 0.18
    if phone_context and not plus and len(groups) <= 2 and 10 <= n <= 13:
        return "phone"  # e.g. "WhatsApp 639175550123": a country code without "+"
    if not plus:
        # Structured national ID numbers.
        if shape == (6, 2, 4):
            if 1 <= int(digits[2:4]) <= 12 and 1 <= int(digits[4:6]) <= 31:
                return "id_number"  # Malaysian MyKad
        if shape == (1, 4, 5, 2, 1):
            return "id_number"  # Thai / Philippine 13-digit ID
        if shape == (5, 7, 1):
            return "id_number"  # Pakistani CNIC
        if shape in ((3, 2, 4), (3, 3, 3), (3, 3, 3, 3)) and hyphens and digits[0] != "0":
            return "id_number"  # SSN / TIN style
        if len(groups) >= 3 and hyphens and shape[-1] == 1 and n >= 8 and digits[0] != "0":
            return "id_number"  # number with a check digit, e.g. 34-5678901-2
        if shape == (4, 4, 4) and digits[0] not in "01" and not all(map(_is_yearish, groups)):
            return "id_number"  # Aadhaar-like
        if shape == (4, 4, 4, 4) and digits[0] != "0":
            return "id_number"  # Indonesian NIK, PhilSys
        if len(groups) == 1 and 12 <= n <= 17 and digits[0] != "0":
            return "id_number"

    if plus:
        return "phone" if 8 <= n <= 15 else ""
    thousands = (
        len(groups) >= 2
        and len(groups[0]) <= 3
        and all(len(g) == 3 for g in groups[1:])
        and all(s in (" ", "\u00a0", ".") for s in seps)
    )
    if digits.startswith("00") and 10 <= n <= 15:
        return "phone"  # international prefix 00
    if digits[0] == "0":
        return "phone" if 9 <= n <= 13 else ""
    if thousands:
        return ""
    if phone_context and 7 <= n <= 15:
        return "phone"
    if n == 10 and (shape == (3, 3, 4) or digits[0] in "6789" and min(shape) >= 2):
        return "phone"  # India, Nepal, North America
    if n == 11 and digits[0] == "1" and digits[1] in "3456789" and shape in ((11,), (3, 4, 4)):
        return "phone"  # China mobile
    if shape == (10,) and digits[0] in "12345" and not digits.endswith("0000"):
        # Bangladesh smart NID: ten digits, the first not 0, the last a check digit; a number
        # of ten digits that does not start like a mobile number (6-9) is taken for one.
        # Round figures ("1500000000") are left alone.
        return "id_number"
    if shape == (4, 4) and digits[0] in "56789":
        if not (groups[0].endswith("00") and groups[1].endswith("00")):
            return "phone"  # Mongolia, Singapore, Hong Kong
    if shape == (3, 4) and digits[0] in "23456789" and seps[0] in ("-", " "):
        if not (groups[0].endswith("0") and groups[1].endswith("00")):
            return "phone"  # Maldives 7xx-xxxx, local 555-0123
    return ""


_SEP_DIGIT = re.compile(r"[,/:]\d")
_MAX_GROUPS = 8  # no phone or ID number has more digit groups than this
_MAX_DIGITS = 20  # nor more digits than this (the longest, China's RIC, has 18)


def _run_candidates(text: str) -> list[tuple[int, int, str]]:
    found: list[tuple[int, int, str]] = []
    index = _word_starts(text)
    phone_words = sorted(at for word in _PHONE_WORDS for at in index.get(word, ()))
    for m in _RUN.finditer(text):
        start, end = m.start(), m.end()
        run = m.group()
        # Brackets that wrap the whole number belong to the surrounding prose.
        if run.startswith("(") and run.endswith(")") and run.count("(") == 1 == run.count(")"):
            if re.fullmatch(r"\(\+?\d+\)", run) is None:
                start, end = start + 1, end - 1
        elif run.endswith(")") and run.count("(") < run.count(")"):
            end -= 1
        elif run.startswith("(") and run.count("(") > run.count(")"):
            start += 1
        groups_m = list(_DIGITS.finditer(text, start, end))
        if sum(g.end() - g.start() for g in groups_m) < 7:
            continue  # too short for any phone or ID number
        following = text[end : end + 2]
        if following[:1].isalnum() or following[:1] == "%" or _SEP_DIGIT.match(following):
            continue
        near = bisect.bisect_left(phone_words, start - 60)
        phone_context = (
            near < len(phone_words)
            and phone_words[near] < start
            and bool(_PHONE_CONTEXT.search(text, max(0, start - 60), start))
        )
        # Take the longest valid number from the left, then carry on after it, so that
        # "0812 345 678 3 times" and two numbers separated by a space are both handled.
        first = 0
        while first < len(groups_m):
            sub_start = start if first == 0 else groups_m[first].start()
            plus = text.startswith(("+", "(+"), sub_start)
            # The longest word either pattern ends with has 12 characters ("resolutions.").
            if not plus and _before_matches(_CURRENCY_BEFORE, text, sub_start, 16):
                break
            if (
                not plus
                and not phone_context
                and not groups_m[first].group().startswith("0")
                and _before_matches(_REFERENCE_BEFORE, text, sub_start, 16)
            ):
                break
            # Longest candidate first, but never more groups or digits than any number has:
            # a run of many ten-digit numbers is then tried one number at a time.
            last, digit_count = first, 0
            while last < min(len(groups_m), first + _MAX_GROUPS):
                digit_count += groups_m[last].end() - groups_m[last].start()
                if digit_count > _MAX_DIGITS and last > first:
                    break
                last += 1
            hit = 0
            for k in range(last, first, -1):
                sub_end = end if k == len(groups_m) else groups_m[k - 1].end()
                if not plus and _UNIT_AFTER.match(text, sub_end):
                    continue  # "... 678 3 times": the last group is a quantity
                run_text = text[sub_start:sub_end]
                groups = [g.group() for g in groups_m[first:k]]
                seps = [
                    text[groups_m[i].end() : groups_m[i + 1].start()] for i in range(first, k - 1)
                ]
                kind = _classify_digits(run_text, groups, seps, phone_context)
                if kind:
                    found.append((sub_start, sub_end, kind))
                    hit = k
                    break
            if not hit:
                break
            first = hit
    return found


# --------------------------------------------------------------------------- addresses

_NAMEWORD = (
    r"(?!(?:No|The|A|An|Of|In|On|At|And|To|For|With|By|From|Is|Was|Are|Were)\b)"
    r"(?:[A-Z][\w'’.-]*|\d{1,3}(?:st|nd|rd|th))"
)
_STREET_AFTER = (
    r"(?:(?:Street|Road|Lane|Avenue|Boulevard|Drive|Highway|Crescent|Terrace|Alley|Marg"
    r"|Gali|Nagar|Soi|Sadak|Salai|Veedhi|Expressway)\b(?!-)|(?:Str|St|Rd|Ln|Ave|Blvd|Hwy)\b\.?)"
)
_STREET_BEFORE = (
    r"(?:Jalan|Jln\.?|Jl\.|Lorong|Lrg\.|Persiaran|Lebuh|Lebuhraya|Gg\.|Thanon|Soi"
    r"|Đường|Duong|Phố|Hẻm|Rue|Calle)"
)
_UNIT_PREFIX = (
    r"(?:(?:Flat|Unit|Apt\.?|Apartment|Room|Rm\.?|Lot|Block|Blk\.?|Floor|House|Suite)"
    r"\s*(?:No\.?\s*)?\d{1,4}[A-Za-z]?,?\s+)?"
)
_HOUSE_NO = r"(?:(?:No\.?|#)\s?)?\d{1,5}[A-Za-z]?(?:[/-]\d{1,4}[A-Za-z]?)?"
_BARANGAY_STOP = (
    r"(?:Council|Councils|Officials?|Captains?|Chair\w*|Halls?|Health|Desks?|Tanods?"
    r"|Protection|VAW\w*|Human|Development|Workers?|Assembly|Assemblies|Justice|Level"
    r"|Peace|Anti\w*|Committees?|Offic\w*|Kagawad\w*|Secretar\w*|Treasurer|Violence|Police"
    r"|Women|Children|Youth|Local|Leaders?|System|Government|Units?|Task|Day|Elections?"
    r"|Nutrition|Captain|Ordinance|Resolution)\b"
)

_SA_PART_WORD = (
    r"(?:House|H\.|Plot|Road|Rd\.?|Street|St\.|Lane|Block|Blk\.?|Sector|Sec\.|Flat|Apt\.?"
    r"|Apartment|Unit|Floor|Level|Holding|Village|Mouza)"
)
_SA_PART = (
    rf"(?:{_SA_PART_WORD}\s*(?:No\.?\s*|#\s?)?(?:[A-Z]-?)?\d{{1,4}}[A-Za-z]?(?:[/-]\d{{1,4}}[A-Za-z]?)*"
    r"|(?:Block|Blk\.?)\s+[A-Z]\b"
    r"|[A-I]-\d{1,2}(?:/\d)?(?![\w/-]))"  # Islamabad sectors such as G-9/4
)

_ADDRESS_PATTERNS = [
    # 221B Baker Street; 12 Sukhumvit Soi 4; No. 45, Bogyoke Aung San Road
    re.compile(
        rf"(?<![\w/.,-]){_UNIT_PREFIX}(?P<num>{_HOUSE_NO}),?\s+(?:{_NAMEWORD}\s+){{1,4}}"
        rf"{_STREET_AFTER}(?:\s+(?:No\.?\s*)?\d{{1,4}}[A-Za-z]?(?![\w/-]))?"
    ),
    # Jalan Ampang No. 8; Lot 5, Jalan Besar; Soi Ari 2; Jl. Merdeka No. 45
    re.compile(
        rf"(?<![\w/.,-])(?:{_UNIT_PREFIX}(?:(?:No\.?|#|Lot)\s?\d{{1,5}}[A-Za-z]?"
        rf"(?:[/-]\d{{1,4}})?,?\s+)?|(?P<num>\d{{1,5}}[A-Za-z]?(?:/\d{{1,4}})?),?\s+)?"
        rf"{_STREET_BEFORE}\s+(?:{_NAMEWORD}|\d{{1,4}}\b)(?:\s+{_NAMEWORD}){{0,3}}"
        rf"(?:,?\s+No\.?\s*\d{{1,5}}[A-Za-z]?(?:[/-]\d{{1,4}})?|\s+\d{{1,4}}\b)?"
    ),
    # Street 271; #12, St. 63; Road 5; Lane 3
    re.compile(
        r"(?<![\w/.-])(?:#\s?\d{1,4}[A-Za-z]?,?\s+)?"
        r"(?:Street|St\.|Road|Rd\.|Lane|Soi|Alley|Ngõ)\s+\d{1,4}[A-Za-z]?(?:/\d{1,4})?(?![\w/-])"
    ),
    # 45/2 Moo 3
    re.compile(r"(?<![\w/.,-])(?:\d{1,4}(?:/\d{1,4})?,?\s+)?Moo\.?\s?\d{1,2}(?![\w/-])"),
    # Purok 3, Barangay San Roque; Brgy. Malanday
    re.compile(
        rf"(?:(?:Purok|Sitio|Zone)\s+\d{{1,3}},?\s+)?(?:Barangay|Brgy\.?|Bgy\.)\s+"
        rf"(?!{_BARANGAY_STOP})(?:{_NAMEWORD}|\d{{1,3}}\b)(?:\s+{_NAMEWORD}){{0,2}}"
    ),
    # House No. 12; H.No. 4-5-6; Plot No. 45; Flat 3B
    re.compile(
        r"\b(?:(?:House|H\.|Plot|Door|Villa|Flat|Holding)\s*No\.?\s*\d{1,5}[A-Za-z]?"
        r"(?:[/-]\d{1,4})*|Flat\s+\d{1,4}[A-Za-z]?)(?![\w/-])"
    ),
    # 2-14-5 Nishi-Shinjuku (Japanese block addresses)
    re.compile(r"(?<![\w/.-])\d{1,2}-\d{1,2}-\d{1,3}\s+[A-Z][a-z]+(?:-[A-Z]?[a-z]+)?\b"),
    # Ward No. 4, Tole names (Nepal); Khoroo 3, district (Mongolia)
    re.compile(
        r"(?<![\w/.-])(?:Ward\s+No\.?\s*\d{1,2}|Khoroo\s+\d{1,2}|\d{1,2}(?:st|nd|rd|th)\s+khoroo)"
        rf"(?:,?\s+(?:{_NAMEWORD}\s+){{1,2}}(?:Tole|district|District|Municipality))?(?![\w/-])"
    ),
    # Phum / Sangkat / Khan (Cambodia): "Sangkat Boeung Keng Kang 1, Khan Chamkarmon"
    re.compile(
        rf"\b(?:Phum|Sangkat|Khan)\s+(?:{_NAMEWORD}\s*){{1,3}}\d{{0,2}}"
        rf"(?:,\s+(?:Sangkat|Khan)\s+(?:{_NAMEWORD}\s*){{1,3}}\d{{0,2}})*"
    ),
    # Maldives house names with a magu: "Henveyru, Ameenee Magu"; "H. Fehi Villa, Majeedhee Magu"
    re.compile(
        rf"(?:\b[A-Z]\.\s)?(?:{_NAMEWORD}\s+){{0,2}}{_NAMEWORD},\s+(?:{_NAMEWORD}\s+){{1,2}}Magu\b"
    ),
    # South Asia: "House 12, Road 5, Sector 7, Uttara"; "Plot 23, Sector 15"; "H. No. 4,
    # Street 7, G-9/4, Islamabad"; "Flat 4B, Block C": two or more numbered parts, then
    # up to two place names and a postcode.
    re.compile(
        rf"(?<![\w/.-]){_SA_PART}(?:,?\s+{_SA_PART})+"
        rf"(?:,\s+(?!{_SA_PART_WORD})(?:{_NAMEWORD}\s){{0,2}}{_NAMEWORD}(?=[\s,.;]|$)){{0,2}}"
        r"(?:,?\s+\d{4,6}(?![\w/-]))?"
    ),
    # Sejong-daero 209; 12 Teheran-ro
    re.compile(
        r"(?<![\w/.-])(?:\d{1,4}(?:-\d{1,4})?,?\s+[A-Z][a-z]+-(?:daero|ro|gil)\b"
        r"|[A-Z][a-z]+-(?:daero|ro|gil)\s+\d{1,4}(?:-\d{1,4})?(?![\w/-]))"
    ),
]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Each address pattern with the keywords every match of it holds (None: no keyword, the
# whole text is scanned) and how far before and after a keyword a match can reach.
_ADDRESS_SCANS: list[tuple[re.Pattern[str], frozenset[str] | None, int, int]] = [
    (
        _ADDRESS_PATTERNS[0],
        _words(
            "street road lane avenue boulevard drive highway crescent terrace alley marg gali "
            "nagar soi sadak salai veedhi expressway str st rd ln ave blvd hwy"
        ),
        160,
        24,
    ),
    (
        _ADDRESS_PATTERNS[1],
        _words(
            "jalan jln jl lorong lrg persiaran lebuh lebuhraya gg thanon soi đường duong phố "
            "hẻm rue calle"
        ),
        60,
        160,
    ),
    (_ADDRESS_PATTERNS[2], _words("street st road rd lane soi alley ngõ"), 20, 24),
    (_ADDRESS_PATTERNS[3], _words("moo"), 16, 12),
    (_ADDRESS_PATTERNS[4], _words("barangay brgy bgy"), 32, 120),
    (_ADDRESS_PATTERNS[5], _words("house h plot door villa flat holding"), 2, 48),
    (_ADDRESS_PATTERNS[6], None, 0, 0),
    (_ADDRESS_PATTERNS[7], _words("ward khoroo"), 12, 100),
    (_ADDRESS_PATTERNS[8], _words("phum sangkat khan"), 2, 120),
    (_ADDRESS_PATTERNS[9], _words("magu"), 120, 8),
    (
        _ADDRESS_PATTERNS[10],
        _words(
            "house h plot road rd street st lane block blk sector sec flat apt apartment unit "
            "floor level holding village mouza"
        ),
        24,
        200,
    ),
    (_ADDRESS_PATTERNS[11], _words("daero ro gil"), 32, 20),
]
_ADDRESS_NOT_AFTER = re.compile(
    r"\b(?:articles?|art|chapters?|modules?|sessions?|sections?|goals?|sdgs?|targets?"
    r"|paragraphs?|paras?|pages?|pp?|units?|annex|tables?|figures?|fig|box|steps?|days?"
    r"|weeks?|parts?|principles?|guidelines?|recommendations?|resolutions?|conventions?"
    r"|protocols?|rules?|items?|slides?|activit(?:y|ies)|exercises?|lessons?|cases?"
    r"|stor(?:y|ies)|scenarios?|handouts?|tools?|worksheets?|options?|phases?|levels?"
    r"|years?|grades?|class|groups?|teams?|rooms?|over|about|around|some|nearly|almost"
    r"|than|top|first|last|the)\.?\s*$",
    re.IGNORECASE,
)


# A postcode after an address, with the town before it: "..., Bangkok 10110", "..., 1230".
_POSTCODE_TAIL = re.compile(
    rf",?\s+(?:(?:{_NAMEWORD}\s){{0,2}}{_NAMEWORD},?\s+)?(?P<code>\d{{4,6}})(?![\w/-]|[.,]\d)"
)


def _address_candidates(text: str) -> list[tuple[int, int, str]]:
    found: list[tuple[int, int, str]] = []
    for index, (pattern, words, before, after) in enumerate(_ADDRESS_SCANS):
        if words is None:
            matches: Iterator[re.Match[str]] = pattern.finditer(text)
        else:
            matches = _near(pattern, text, words, before, after)
        for m in matches:
            if index in (0, 1) and m.group("num"):
                num = m.group("num")
                bare = re.sub(r"^(?:No\.?|#)\s?", "", num)
                if _is_yearish(bare):
                    continue
                if m.start() == m.start("num") and not num.startswith(("No", "#")):
                    preceding = text[max(0, m.start() - 30) : m.start()]
                    if _ADDRESS_NOT_AFTER.search(preceding):
                        continue
            end = m.end()
            tail = _POSTCODE_TAIL.match(text, end, min(len(text), end + 60))
            if (
                tail is not None
                and not _is_yearish(tail.group("code"))
                and not _UNIT_AFTER.match(text, tail.end())
            ):
                end = tail.end()  # the whole address is highlighted, postcode included
            found.append((m.start(), end, "address"))
    return found


# --------------------------------------------------------------------------- public API


def _resolve(text: str, candidates: list[tuple[int, int, str]]) -> list[Finding]:
    """Keep the strongest non-overlapping candidates, sorted by position."""
    ranked = sorted(
        {c for c in candidates if c[1] > c[0]},
        key=lambda c: (-_PRIORITY[c[2]], -(c[1] - c[0]), c[0]),
    )
    taken: list[tuple[int, int]] = []  # sorted, non-overlapping spans
    kept: list[Finding] = []
    for start, end, kind in ranked:
        # Trim trailing punctuation that the patterns may have swallowed.
        while end > start and text[end - 1] in " ,;:":
            end -= 1
        if end <= start:
            continue
        if kind == "address" and text[end - 1] == ".":
            last_word = text[start : end - 1].rsplit(None, 1)[-1]
            if len(last_word) > 3 and last_word not in ("Blvd", "Lrg"):
                end -= 1  # a full stop, not an abbreviation
        i = bisect.bisect_left(taken, (start, end))
        if i > 0 and taken[i - 1][1] > start or i < len(taken) and taken[i][0] < end:
            continue
        taken.insert(i, (start, end))
        public_kind = "id_number" if kind == "id_keyword" else kind
        kept.append(Finding(public_kind, text[start:end], start, end))
    kept.sort(key=lambda f: (f.start, f.end))
    return kept


def find_identifiers(text: str) -> list[Finding]:
    """Find phone numbers, e-mails, ID numbers, addresses and birth dates in ``text``."""
    if not text:
        return []
    candidates: list[tuple[int, int, str]] = []
    candidates += _email_candidates(text)
    candidates += _dob_candidates(text)
    candidates += _id_candidates(text)
    candidates += _address_candidates(text)
    candidates += _run_candidates(text)
    return _resolve(text, candidates)
