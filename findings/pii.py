"""Find personal data in text the site publishes, so that the build can stop before it leaks.

``find(text)`` reports e-mail addresses (also disguised: ``name at nhs dot net``,
``name[at]nhs.net``, ``name {at} nhs . net``, ``name@nhs.net`` written with full-width or
zero-width characters), UK and international phone numbers, IPv4 and IPv6 addresses, UK postcodes,
NHS numbers (those that pass the modulus-11 check) and National Insurance numbers. Every published
file and generated page is scanned and any hit fails the build, so the patterns aim at high recall
for these kinds while staying quiet on what this site is made of: prose, survey tables,
percentages, dates and times, DOIs, version numbers and colour codes. ``redact(text)`` replaces
e-mail addresses only.

Text is matched after NFKC normalisation with zero-width characters removed (so ``＠`` and
full-width digits count), but each hit reports the text and the 1-based line as they are in the
input. Matches never span a line break. Standard library only.
"""
from __future__ import annotations

import bisect
import ipaddress
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

EMAIL = "e-mail address"
PHONE = "phone number"
IP = "IP address"
POSTCODE = "UK postcode"
NHS = "NHS number"
NINO = "National Insurance number"


@dataclass(frozen=True)
class Hit:
    kind: str  # one of the six kinds above
    text: str  # the matched text as it appears in the input (not normalised)
    line: int  # 1-based line in the text scanned


# --- the patterns: one per kind ------------------------------------------------------------------
# Most patterns start with a character class and check what comes before it with a lookbehind
# placed just after it ("\d(?<![\w.]\d)": a digit not glued to a word or a dot): the regex engine
# then skips quickly through text that cannot start a match (3-5 times faster than a leading
# lookbehind). What a pattern cannot express is checked by the function named in its comment.

_SP = r"[ \t]*"
_OPEN = r"(?:[\[({<]|&lt;)"  # "[at]", "(at)", "{at}", "<at>", also HTML-escaped "&lt;at&gt;"
_CLOSE = r"(?:[\])}>]|&gt;)"
_AT_SIGN = r"(?:@|&\#0*64;|&\#x0*40;|&commat;)"  # "@" (also full-width, after NFKC) or an entity
# "@" unspaced or spaced on both sides ("name @ nhs . net", but not "thanks to @nhs.uk"),
# or a bracketed "at" with any spacing
_AT = rf"(?:{_AT_SIGN}|[ \t]+{_AT_SIGN}[ \t]+|{_SP}{_OPEN}{_SP}at{_SP}{_CLOSE}{_SP})"
_AT_WORD = r"[ \t]+at[ \t]+"  # the bare word "at": weak evidence, see _TLD_LISTED
_WORD_DOT = rf"(?:{_SP}{_OPEN}{_SP}dot{_SP}{_CLOSE}{_SP}|[ \t]+dot[ \t]+)"  # "[dot]", " dot "
# a bare "." joins labels when it has no spaces around it or spaces on both sides ("nhs . net"),
# never with a space after it only: that is the end of a sentence ("staff at work. They")
_DOT = rf"(?:\.|[ \t]+\.[ \t]+|{_WORD_DOT})"
_LOCAL_WORD = r"[\w%+-][\w%+'’-]*"  # "o'brien" too
# the local part after its first character
_LOCAL_TAIL = rf"[\w%+'’-]*(?:(?:\.|{_WORD_DOT}){_LOCAL_WORD})*"
_LABEL = r"[^\W_]+(?:-+[^\W_]+)*"
# "logo@2x.png" is a file name, not an address: file extensions that are no top-level domain
_NOT_TLD = (r"(?:png|jpe?g|gif|svg|webp|avif|ico|css|m?js|json|html?|xml|txt|csv|ya?ml|pdf"
            r"|woff2?|ttf)")
_TLD_ANY = rf"(?!{_NOT_TLD}(?![\w-]))[^\W\d_]{{2,}}"
# after the bare word "at" the address must end in a common top-level domain that is no English
# word (not "it", "is", "in", "to", "no", "us", "be"), must not start "www." and must not follow
# a word that introduces a web address in prose ("available at osf.io", "the paper at
# medrxiv.org": _PROSE_BEFORE_AT, checked in _email_ok)
_TLD_LISTED = (r"(?:com|net|org|edu|gov|mil|info|biz|io|ai|uk|ac|nhs|co|me|eu|ie|de|fr|nl|es|se|dk"
               r"|fi|ch|au|nz|ca|jp|cn|ru|pl|pt|gr|za|sg|hk|tv|cc|scot|wales|cymru|london|ltd|plc)")
_PROSE_BEFORE_AT = frozenset((
    "a an the this that these those it its them they we us you he she his her our your their me my"
    " here there is are was were be been being has have had can could will would may might must"
    " available online found published posted hosted archived deposited registered accessed"
    " accessible located listed shared stored held kept downloaded downloadable retrieved visit"
    " visiting look looked looking see seen read paper preprint article data dataset code material"
    " materials report study protocol website site page information details more copy version"
    " resources guidance repository link form results").split())
# nor may the domain start with one ("worked at a dot com")
_ARTICLES = frozenset("a an the this that my your our their his her its".split())
EMAIL_RE = re.compile(rf"""
    [\w%+-](?<![\w%+.-].)                               # the local part starts at a word start
    (?>{_LOCAL_TAIL})                                   # ... and never gives characters back
    (?:
        {_AT} {_LABEL} (?:{_DOT}{_LABEL})* {_DOT} {_TLD_ANY}
      | (?P<weak>{_AT_WORD}) (?!www\.) {_LABEL} (?:{_DOT}{_LABEL})* {_DOT} {_TLD_LISTED}
    )
    (?![\w-])
""", re.IGNORECASE | re.VERBOSE)

# UK numbers (07700 900123, 020 7946 0958, (0161) 496 0000, +44 (0)20 7946 0958) and international
# ones (+<country code> and more digits); groups separated by one space, hyphen or dot. A candidate
# glued to a word, a decimal point, a comma, a slash, a "+" or a hyphen (DOIs, dates, versions,
# "1,234,567") is no phone number. The digits are counted in _phone_end, which also drops trailing
# groups that are another number ("020 7946 0958 24 hours").
PHONE_RE = re.compile(r"""
    [+(0](?<![\w.,/+-].)
    (?:
        (?<=\+)\d++                                     # "+44", "+1", "+447700900123"
      | (?<=\()0\d{2,4}\)                               # a bracketed UK area code: "(0161)"
      | (?<=0)\d++                                      # UK trunk 0 and the first group: "07700"
    )
    (?:
        (?:[ .\-\u2010\u2011]|(?<=\))[ ]?)\d++          # a further group of digits
      | [ ]?\(\d{1,4}\)                                 # a bracketed group: "(0)", "(555)"
    ){0,6}
    (?!\w|[.,]\d)
""", re.VERBOSE)

# IPv4: four dotted numbers, not part of a longer dotted number (a version 1.2.3.4.5 or a DOI);
# _ipv4_ok checks each is 0-255 without a leading zero and that not all four are single digits
# ("1.2.3.4" is read as a section or version number).
IPV4_RE = re.compile(r"\d(?<![\w.]\d)\d{0,2}(?:\.\d{1,3}){3}(?!\w|\.\d)")

# IPv6: hex groups joined by colons, perhaps ending in an IPv4 address; never next to a word
# character or ":" ("a::before", "std::vector"). _ipv6_ok asks for "::" or seven colons (not
# "10:30:00") and for ``ipaddress`` to accept it.
IPV6_RE = re.compile(r"""
    [0-9a-f:](?<![\w:.].)
    [0-9a-f]{0,3} (?::[0-9a-f]{0,4}){1,7} (?:(?:\.\d{1,3}){3})?
    (?![\w:]|\.\d)
""", re.IGNORECASE | re.VERBOSE)

# UK postcode: outward code A9, A99, A9A, AA9, AA99, AA9A (with the letters Royal Mail uses in
# each place), optional space, inward code digit + two letters (not C I K M O V); whole words, not
# after "#" or "\" (a colour "#e0a6ea", an escape "\u200bb"); _same_case wants all capitals or
# all lower case.
POSTCODE_RE = re.compile(r"""
    \b[A-PR-UWYZ](?<![#\\].)
    (?:
        \d[A-HJKPSTUW] | \d\d?                          # A9A, A9, A99
      | [A-HK-Y] (?:\d[ABEHMNPRVWXY]|\d\d?)             # AA9A, AA9, AA99
      | (?<=G)IR(?=[ ]?0AA)                             # Girobank's GIR 0AA
    )
    [ ]?\d[ABD-HJLNP-UW-Z]{2}
    \b
""", re.IGNORECASE | re.VERBOSE)

# NHS number: ten digits as 3-3-4 (spaces or hyphens, the same twice) or run together, not part of
# a longer number; _nhs_ok verifies the modulus-11 check digit.
NHS_RE = re.compile(r"\d(?<![\w.,/+-]\d)\d{2}([ -]?)\d{3}\1\d{4}(?!\w|[.,]\d)")

# National Insurance number: two prefix letters (first not D F I Q U V, second not D F I O Q U V),
# six digits (perhaps in spaced pairs), a suffix letter A-D; _nino_ok refuses the prefixes BG GB
# NK KN TN NT ZZ and wants all capitals or all lower case.
NINO_RE = re.compile(r"""
    \b[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]
    [ ]?\d{2}[ ]?\d{2}[ ]?\d{2}[ ]?[A-D]
    \b
""", re.IGNORECASE | re.VERBOSE)


# --- checks a pattern cannot express ------------------------------------------------------------

def _email_ok(m: re.Match) -> bool:
    """After the bare word "at": neither "<prose word> at ..." nor "... at <article> dot com"."""
    if not m.group("weak"):
        return True
    before = re.match(r"[\w%+'’-]*", m.group()).group().lower()
    after = re.match(r"[\w-]*", m.string[m.end("weak"):]).group().lower()
    return before not in _PROSE_BEFORE_AT and after not in _ARTICLES


def _phone_end(cand: str) -> int | None:
    """Length of the longest leading part of ``cand`` (ending after a group of digits) that has
    the digits of a phone number, or None."""
    for end in reversed([m.end() for m in re.finditer(r"\d+\)?", cand)]):
        if _phone_ok(cand[:end]):
            return end
    return None


def _phone_ok(number: str) -> bool:
    if number.startswith("+"):
        digits = re.sub(r"\D", "", number.replace("(0)", ""))
        if digits.startswith("44"):  # UK: 9 or 10 digits after +44, none starting 0, 4 or 6
            return len(digits) in (11, 12) and digits[2] in "1235789"
        return 8 <= len(digits) <= 15 and digits[0] != "0"  # country code + 7 to 12 digits
    groups = re.findall(r"\d+", number)
    digits = "".join(groups)
    return (len(digits) in (10, 11) and digits[1] in "1235789"
            and (len(groups) == 1 or (len(groups[0]) >= 3 and min(map(len, groups[1:])) >= 2)))


def _ipv4_ok(cand: str) -> bool:
    octets = cand.split(".")
    return (all(int(o) <= 255 and (o == "0" or not o.startswith("0")) for o in octets)
            and any(len(o) > 1 for o in octets))


def _ipv6_ok(cand: str) -> bool:
    if not re.search(r"[0-9a-f]", cand, re.IGNORECASE):
        return False
    if "::" not in cand and cand.count(":") != 7:
        return False
    try:
        ipaddress.IPv6Address(cand)
    except ValueError:
        return False
    return True


def _nhs_ok(cand: str) -> bool:
    digits = [int(c) for c in cand if c.isdigit()]
    check = 11 - sum(d * w for d, w in zip(digits, range(10, 1, -1))) % 11
    return check != 10 and check % 11 == digits[9]  # check digit 11 is written 0, 10 is invalid


def _same_case(cand: str) -> bool:
    return cand.isupper() or cand.islower()


def _nino_ok(cand: str) -> bool:
    return _same_case(cand) and cand[:2].upper() not in {"BG", "GB", "NK", "KN", "TN", "NT", "ZZ"}


def _whole(ok):
    """A check of the whole match as a function from a match to its length (None: no hit)."""
    return lambda m: len(m.group()) if ok(m.group()) else None


# kind, pattern, and a function from a match to the length of the hit it starts (None: no hit)
_DETECTORS = (
    (EMAIL, EMAIL_RE, lambda m: len(m.group()) if _email_ok(m) else None),
    (PHONE, PHONE_RE, lambda m: _phone_end(m.group())),
    (IP, IPV4_RE, _whole(_ipv4_ok)),
    (IP, IPV6_RE, _whole(_ipv6_ok)),
    (POSTCODE, POSTCODE_RE, _whole(_same_case)),
    (NHS, NHS_RE, _whole(_nhs_ok)),
    (NINO, NINO_RE, _whole(_nino_ok)),
)


# --- normalisation, keeping the way back to the input -------------------------------------------

_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad"  # zero-width spaces/joiners, BOM, soft hyphen
_STRIP = {ord(c): None for c in _ZERO_WIDTH}
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def _unchanged(s: str) -> bool:
    return unicodedata.is_normalized("NFKC", s) and not any(c in s for c in _ZERO_WIDTH)


class _Normalised:
    """``text``: the input NFKC-normalised without zero-width characters; ``span`` maps a span of
    it back to the input. Only runs of non-ASCII characters that change are mapped piece by piece
    (each base character with its combining marks); everything else maps one to one."""

    def __init__(self, original: str):
        self.original = original
        self._newlines: list[int] | None = None
        # segments: (start in text, start in original, end in original or None when one to one)
        self._starts: list[int] = [0]
        self._segments: list[tuple[int, int | None]] = [(0, None)]
        if original.isascii() or _unchanged(original):
            self.text = original
            return
        parts: list[str] = []
        n = done = 0  # length of text so far; original consumed so far
        for run in _NON_ASCII.finditer(original):
            a, b = run.span()
            if a and unicodedata.combining(original[a]):
                a -= 1  # a combining mark composes with the ASCII letter before it
            if _unchanged(original[a:b]):
                continue
            parts.append(original[done:a])
            n += a - done
            i = a
            while i < b:
                j = i + 1
                while j < b and unicodedata.combining(original[j]):
                    j += 1
                piece = unicodedata.normalize("NFKC", original[i:j]).translate(_STRIP)
                if piece:
                    parts.append(piece)
                    self._starts.append(n)
                    self._segments.append((i, j))
                    n += len(piece)
                i = j
            self._starts.append(n)
            self._segments.append((b, None))
            done = b
        parts.append(original[done:])
        self.text = "".join(parts)

    def _at(self, k: int) -> tuple[int, int]:
        """Start and end in the original of character ``k`` of the text."""
        seg = bisect.bisect_right(self._starts, k) - 1
        orig, end = self._segments[seg]
        if end is None:
            pos = orig + k - self._starts[seg]
            return pos, pos + 1
        return orig, end

    def span(self, start: int, end: int) -> tuple[int, int]:
        return self._at(start)[0], self._at(end - 1)[1]

    def line(self, pos: int) -> int:
        """1-based line of position ``pos`` of the original."""
        if self._newlines is None:
            self._newlines = [m.start() for m in re.finditer("\n", self.original)]
        return bisect.bisect_left(self._newlines, pos) + 1


def _spans(norm: _Normalised, kinds=None) -> Iterator[tuple[str, int, int]]:
    """(kind, start, end) of every hit (of ``kinds``, default all), as spans of ``norm.text``."""
    for kind, pattern, end_of in _DETECTORS:
        if kinds is not None and kind not in kinds:
            continue
        for m in pattern.finditer(norm.text):
            end = end_of(m)
            if end:
                yield kind, m.start(), m.start() + end


# --- the allow-list ------------------------------------------------------------------------------

def _fold(s: str) -> str:
    """Normalised for comparison: NFKC, no zero-width characters, case-folded, spaces collapsed."""
    return " ".join(_Normalised(s).text.casefold().split())


_CANON_AT = re.compile(rf"{_AT}|{_AT_WORD}", re.IGNORECASE)
_CANON_DOT = re.compile(rf"{_WORD_DOT}|[ \t]*\.[ \t]*", re.IGNORECASE)


def _canonical(kind: str, folded: str) -> str | None:
    """An e-mail address without its disguise, or a phone number as national digits."""
    if kind == EMAIL:
        return _CANON_DOT.sub(".", _CANON_AT.sub("@", folded))
    if kind == PHONE:
        digits = re.sub(r"\D", "", folded.replace("(0)", ""))
        if folded.startswith("+"):
            return "0" + digits[2:] if digits.startswith("44") else "+" + digits
        return digits
    return None


class _Allowed:
    """A hit is allowed when its folded text equals or is part of an allowed entry, or when it is
    the same e-mail address or phone number as one found in an entry, written differently
    (allowing ``b.lloyd-evans@ucl.ac.uk`` also allows ``b.lloyd-evans{at}ucl.ac.uk``)."""

    def __init__(self, allow: Iterable[str]):
        self.entries = [_fold(a) for a in allow if a and a.strip()]
        self.canonical = {_canonical(kind, _fold(norm.text[s:e]))
                          for entry in self.entries
                          for norm in [_Normalised(entry)]
                          for kind, s, e in _spans(norm)} - {None}

    def __call__(self, kind: str, text: str) -> bool:
        if not self.entries:
            return False
        folded = _fold(text)
        return (any(folded in entry for entry in self.entries)
                or _canonical(kind, folded) in self.canonical)


# --- the API -------------------------------------------------------------------------------------

def find(text: str, allow: Iterable[str] = ()) -> list[Hit]:
    """Every piece of personal data in ``text``, in the order it appears, except what ``allow``
    publishes on purpose."""
    norm = _Normalised(text)
    allowed = _Allowed(allow)
    found = []
    for kind, s, e in _spans(norm):
        if allowed(kind, norm.text[s:e]):
            continue
        start, end = norm.span(s, e)
        found.append((start, end, Hit(kind, text[start:end], norm.line(start))))
    found.sort(key=lambda f: (f[0], -f[1]))
    # one hit per place: drop a hit inside another (the IPv4 tail of "::ffff:192.0.2.1")
    kept, reach = [], -1
    for start, end, hit in found:
        if end > reach:
            kept.append(hit)
            reach = end
    return kept


def redact(text: str, marker: str = "[e-mail address removed]") -> str:
    """``text`` with every e-mail address (in any of its disguises) replaced by ``marker``."""
    norm = _Normalised(text)
    spans = sorted(norm.span(s, e) for _, s, e in _spans(norm, {EMAIL}))
    out, done = [], 0
    for start, end in spans:
        if start >= done:
            out += [text[done:start], marker]
            done = end
    out.append(text[done:])
    return "".join(out)
