"""The personal-data detector: what it finds (each kind and its disguises), what it leaves alone
(prose, survey tables, numbers, dates, DOIs, versions, colours), the allow-list, line numbers,
redaction, and the study's own text."""
from pathlib import Path

import pytest

from findings import pii
from findings.pii import EMAIL, IP, NHS, NINO, PHONE, POSTCODE, Hit

ROOT = Path(__file__).resolve().parent.parent

# (text, kind, the matched text exactly as find() must report it)
POSITIVES = [
    # e-mail addresses, plain and disguised
    ("Contact a.b-c.22@ucl.ac.uk today.", EMAIL, "a.b-c.22@ucl.ac.uk"),
    ("write to jo_smith+survey@nhs.net", EMAIL, "jo_smith+survey@nhs.net"),
    ("o'brien@example.org", EMAIL, "o'brien@example.org"),
    ("mail name at nhs dot net please", EMAIL, "name at nhs dot net"),
    ("MAIL NAME AT NHS DOT NET", EMAIL, "NAME AT NHS DOT NET"),
    ("john dot smith at nhs dot net", EMAIL, "john dot smith at nhs dot net"),
    ("name [at] nhs [dot] net", EMAIL, "name [at] nhs [dot] net"),
    ("name [ at ] nhs [ dot ] net", EMAIL, "name [ at ] nhs [ dot ] net"),
    ("(name(at)nhs.net)", EMAIL, "name(at)nhs.net"),
    ("name {at} nhs.net", EMAIL, "name {at} nhs.net"),
    ("b.lloyd-evans{at}ucl.ac.uk.", EMAIL, "b.lloyd-evans{at}ucl.ac.uk"),
    ("name <at> x <dot> com", EMAIL, "name <at> x <dot> com"),
    ("name &lt;at&gt; x &lt;dot&gt; com", EMAIL, "name &lt;at&gt; x &lt;dot&gt; com"),
    ("name @ nhs . net", EMAIL, "name @ nhs . net"),
    ("name&#64;nhs.net", EMAIL, "name&#64;nhs.net"),
    ("jo at ucl.ac.uk", EMAIL, "jo at ucl.ac.uk"),
    ("name At Nhs Dot Net", EMAIL, "name At Nhs Dot Net"),
    # phone numbers
    ("07700 900123", PHONE, "07700 900123"),
    ("call 07700900123 now", PHONE, "07700900123"),
    ("07700-900-123", PHONE, "07700-900-123"),
    ("+44 7700 900123", PHONE, "+44 7700 900123"),
    ("+447700900123", PHONE, "+447700900123"),
    ("tel:+442079460958", PHONE, "+442079460958"),
    ("+44 (0)20 7946 0958", PHONE, "+44 (0)20 7946 0958"),
    ("Tel 020 7946 0958.", PHONE, "020 7946 0958"),
    ("020-7946-0958", PHONE, "020-7946-0958"),
    ("0161 496 0000", PHONE, "0161 496 0000"),
    ("0161.496.0000", PHONE, "0161.496.0000"),
    ("(0161) 496 0000", PHONE, "(0161) 496 0000"),
    ("0800 123 4567", PHONE, "0800 123 4567"),
    ("01632 960001", PHONE, "01632 960001"),
    ("open 020 7946 0958 24 hours", PHONE, "020 7946 0958"),
    ("+1 (555) 123-4567", PHONE, "+1 (555) 123-4567"),
    ("+33 1 23 45 67 89", PHONE, "+33 1 23 45 67 89"),
    ("+353 1 234 5678", PHONE, "+353 1 234 5678"),
    # IP addresses
    ("seen from 192.168.1.20 at noon", IP, "192.168.1.20"),
    ("IP 130.92.34.66.", IP, "130.92.34.66"),
    ("255.255.255.255", IP, "255.255.255.255"),
    ("http://10.0.0.1/admin", IP, "10.0.0.1"),
    ("2001:db8::1", IP, "2001:db8::1"),
    ("from 2001:0db8:85a3:0000:0000:8a2e:0370:7334 today", IP,
     "2001:0db8:85a3:0000:0000:8a2e:0370:7334"),
    ("fe80:0:0:0:0:0:0:1", IP, "fe80:0:0:0:0:0:0:1"),
    ("::1", IP, "::1"),
    ("::ffff:192.0.2.1", IP, "::ffff:192.0.2.1"),
    # UK postcodes
    ("London SW1A 1AA", POSTCODE, "SW1A 1AA"),
    ("M1 1AE", POSTCODE, "M1 1AE"),
    ("B33 8TH", POSTCODE, "B33 8TH"),
    ("CR2 6XH", POSTCODE, "CR2 6XH"),
    ("Doncaster DN55 1PT.", POSTCODE, "DN55 1PT"),
    ("EC1A 1BB", POSTCODE, "EC1A 1BB"),
    ("W1A 0AX", POSTCODE, "W1A 0AX"),
    ("GIR 0AA", POSTCODE, "GIR 0AA"),
    ("sw1a 1aa", POSTCODE, "sw1a 1aa"),
    ("SW1A1AA", POSTCODE, "SW1A1AA"),
    ("lives in e1 6an,", POSTCODE, "e1 6an"),
    # NHS numbers (valid check digits)
    ("NHS no. 943 476 5919", NHS, "943 476 5919"),
    ("943-476-5919", NHS, "943-476-5919"),
    ("9434765919", NHS, "9434765919"),
    ("401 023 2137", NHS, "401 023 2137"),
    # National Insurance numbers
    ("NI AB 12 34 56 C", NINO, "AB 12 34 56 C"),
    ("JG103759A", NINO, "JG103759A"),
    ("jg103759a", NINO, "jg103759a"),
    ("JG 103759 A", NINO, "JG 103759 A"),
]


@pytest.mark.parametrize("text,kind,matched", POSITIVES)
def test_finds_each_kind_with_its_exact_text(text, kind, matched):
    assert pii.find(text) == [Hit(kind, matched, 1)]


NEGATIVES = [
    # ordinary prose, including the bare-word "at" that is no address
    "Staff described how they talk to service users about relationships.",
    "he stayed at home. Then",
    "I work at a care home. It is",
    "staff at work. They",
    "looked at home.It was fine",
    "We looked at the data in 2023 and again at the end of the year.",
    "The data are available at osf.io and the paper at medrxiv.org.",
    "Our preprint at medrxiv.org; the code at zenodo.org; more at nhs.uk.",
    "See details at www.ucl.ac.uk for more.",
    "We worked at a dot com; she worked at the dot com.",
    "thanks to @nhsengland for sharing",
    "Email addresses were collected outside the survey, through a separate link.",
    "If you feel that your concerns have not been adequately addressed, please escalate.",
    "Part 2. Talking to Service Users",
    "A great deal (n = 12) vs. not at all (n = 3).",
    # survey tables and counts
    "| Strongly agree | 12 | 19% |",
    "| Somewhat disagree | 3 | 4.8% |",
    "n = 63",
    "63 of 63",
    "63 of 63 respondents (100%)",
    "25-50%",
    "1,234,567",
    "Ethics ID number: 24833/001.",
    "Q18_1, Q18_2, Q26a",
    "[P31] and [31]",
    # dates, times, years
    "2024-05-09",
    "2024-05-09T10:30:00",
    "10:30:00",
    "09:30",
    "09/05/2024",
    "09.05.2024",
    "September 2023",
    "2018 2019 2020 2021 2022 2023",
    # DOIs, versions, identifiers
    "10.1101/2024.05.09.24307104",
    "https://doi.org/10.1371/journal.pmen.0000123",
    "version 1.2.3.4.5",
    "version 1.2.3.4",
    "section 2.1.3.4",
    "python 3.11.7",
    "ORCID 0000-0002-1825-0097",
    "ISSN 0028-0836",
    # code-ish text
    "#1f6feb",
    "color: #e0a6ea;",
    "a::before",
    "std::vector",
    "x :: Int",
    r"\u200bb and \u2019s",
    "logo@2x.png",
    # numbers that look like the kinds but are not
    "9434765918",  # fails the NHS modulus-11 check
    "943 476 5918",
    "1234567890",  # check digit 10: never valid
    "256.1.1.1",
    "01.02.03.04",
    "1:2:3:4:5:6",
    "QQ 12 34 56 C",  # first letter Q is not used
    "GB 12 34 56 C",  # GB is not a prefix
    "AB 12 34 56 E",  # suffix only A-D
    "Sw1a 1aa",  # mixed case
    "07700 900",  # too short
    "+12 345",  # too short
    "0 10 20 30 40 50",
]


@pytest.mark.parametrize("text", NEGATIVES)
def test_leaves_ordinary_text_alone(text):
    assert pii.find(text) == []


def test_negatives_together_are_still_clean():
    assert pii.find("\n".join(NEGATIVES)) == []


# --- disguises by Unicode ---------------------------------------------------------------------

@pytest.mark.parametrize("text,kind,matched", [
    ("write to name＠nhs．net", EMAIL, "name＠nhs．net"),  # full-width @ and .
    ("na\u200bme@nhs.net", EMAIL, "na\u200bme@nhs.net"),  # zero-width space
    ("name@\u2060nhs.\ufeffnet", EMAIL, "name@\u2060nhs.\ufeffnet"),  # word joiner, BOM
    ("na\u00adme@nh\u200cs.net", EMAIL, "na\u00adme@nh\u200cs.net"),  # soft hyphen, ZWNJ
    ("name\u200d at nhs dot net", EMAIL, "name\u200d at nhs dot net"),
    ("０７７００ ９００１２３", PHONE, "０７７００ ９００１２３"),  # full-width digits
    ("07700\u00a0900123", PHONE, "07700\u00a0900123"),  # no-break space
    ("＋４４ ７７００ ９００１２３", PHONE, "＋４４ ７７００ ９００１２３"),
    ("９４３ ４７６ ５９１９", NHS, "９４３ ４７６ ５９１９"),
    ("943\u200b476\u200b5919", NHS, "943\u200b476\u200b5919"),
    ("ＡＢ１２３４５６Ｃ", NINO, "ＡＢ１２３４５６Ｃ"),
    ("ＳＷ１Ａ １ＡＡ", POSTCODE, "ＳＷ１Ａ １ＡＡ"),
    ("１９２．１６８．１．２０", IP, "１９２．１６８．１．２０"),
])
def test_unicode_disguises_are_found_and_reported_as_written(text, kind, matched):
    assert pii.find(text) == [Hit(kind, matched, 1)]


def test_offsets_survive_characters_that_normalise_to_several():
    # "…" becomes "..." and "ﬁ" becomes "fi": the text after them still maps back exactly
    text = "ﬁne… ﬁnal… e\u0301te\u0301 write to a.b@nhs.net … end"
    assert pii.find(text) == [Hit(EMAIL, "a.b@nhs.net", 1)]


# --- line numbers -----------------------------------------------------------------------------

def test_line_numbers_in_multi_line_text():
    text = ("# Title\n"
            "\n"
            "Contact jo@nhs.net or 020 7946 0958.\r\n"
            "Nothing here, 63 of 63.\n"
            "ＡＢ１２３４５６Ｃ …\u200b and SW1A 1AA\n"
            "\n"
            "last: 192.168.1.20")
    assert pii.find(text) == [
        Hit(EMAIL, "jo@nhs.net", 3),
        Hit(PHONE, "020 7946 0958", 3),
        Hit(NINO, "ＡＢ１２３４５６Ｃ", 5),
        Hit(POSTCODE, "SW1A 1AA", 5),
        Hit(IP, "192.168.1.20", 7),
    ]


def test_no_match_spans_a_line_break():
    assert pii.find("020\n7946 0958") == []
    assert pii.find("name at\nnhs dot net") == []


def test_hits_come_in_text_order_and_one_per_place():
    # the IPv4 tail of an IPv6 address is not reported again
    assert pii.find("::ffff:192.0.2.1 then a@b.org") == [
        Hit(IP, "::ffff:192.0.2.1", 1), Hit(EMAIL, "a@b.org", 1)]


# --- the allow-list ---------------------------------------------------------------------------

PI = "Prof. B. Lloyd-Evans, b.lloyd-evans@ucl.ac.uk, +44 20 7946 0958"


def test_allowed_entries_are_not_reported():
    text = "Contact b.lloyd-evans@ucl.ac.uk or jo@nhs.net"
    assert pii.find(text, allow=["b.lloyd-evans@ucl.ac.uk"]) == [Hit(EMAIL, "jo@nhs.net", 1)]


def test_allow_is_case_and_whitespace_insensitive_and_matches_inside_an_entry():
    text = "B.Lloyd-Evans@UCL.ac.uk, +44  20 7946\t0958"
    assert pii.find(text, allow=[PI]) == []
    assert pii.find("name at nhs dot net", allow=["  NAME   AT NHS DOT NET "]) == []


def test_allowing_an_address_allows_its_disguises_and_other_phone_formats():
    text = "b.lloyd-evans{at}ucl.ac.uk, b.lloyd-evans at ucl dot ac dot uk, 020 7946 0958"
    assert pii.find(text, allow=[PI]) == []


def test_allow_does_not_hide_other_data():
    text = "b.lloyd-evans@ucl.ac.uk and b.lloyd@ucl.ac.uk and 020 7946 0959"
    assert pii.find(text, allow=[PI]) == [
        Hit(EMAIL, "b.lloyd@ucl.ac.uk", 1), Hit(PHONE, "020 7946 0959", 1)]
    assert pii.find("jo@nhs.net", allow=["", "  ", "nhs.net"]) == [Hit(EMAIL, "jo@nhs.net", 1)]


def test_allow_works_on_unicode_disguises():
    assert pii.find("b.lloyd-evans＠ucl.ac.uk", allow=["b.lloyd-evans@ucl.ac.uk"]) == []


# --- redact -----------------------------------------------------------------------------------

def test_redact_replaces_every_disguise_of_an_email_address():
    text = ("a.b-c.22@ucl.ac.uk; b.lloyd-evans{at}ucl.ac.uk; name at nhs dot net; "
            "name [at] nhs [dot] net; name(at)nhs.net; name <at> x <dot> com; name @ nhs . net; "
            "name＠nhs．net; na\u200bme@nhs.net.")
    out = pii.redact(text)
    marker = "[e-mail address removed]"
    assert out == "; ".join([marker] * 9) + "."
    assert pii.find(out) == []


def test_redact_keeps_everything_else():
    text = "Call 020 7946 0958 or write to jo@nhs.net.\nI work at a care home. It is 63 of 63."
    assert pii.redact(text) == ("Call 020 7946 0958 or write to [e-mail address removed].\n"
                                "I work at a care home. It is 63 of 63.")
    assert pii.redact(text, marker="[removed]") == text.replace("jo@nhs.net", "[removed]")
    assert pii.redact("no addresses here") == "no addresses here"


# --- the study's own text ---------------------------------------------------------------------

# Every hit in the study text that ships with the repository, and why it is there. Anything else
# found is either a new leak or a false positive of a pattern (then fix the pattern).
STUDY_HITS = {
    ("data/instrument.yaml", EMAIL, "angelica.emery-rhowbotham.22@ucl.ac.uk"):
        "the MSc researcher's contact address, printed in the participant information (genuine "
        "personal data; the paragraph is marked personal_data and redacted before publication)",
    ("data/instrument.yaml", EMAIL, "b.lloyd-evans{at}ucl.ac.uk"):
        "the principal investigator's address as printed, disguised, in the paper",
    ("data/instrument.yaml", EMAIL, "b.lloyd-evans@ucl.ac.uk"):
        "the principal investigator's address in the 'Contact for further information' paragraph",
    ("data/instrument.yaml", EMAIL, "data-protection@ucl.ac.uk"):
        "UCL's Data Protection Officer: an institutional address quoted in the privacy notice",
    ("data/instrument.yaml", EMAIL, "ethics{at}ucl.ac.uk"):
        "UCL's research ethics committee: an institutional address, disguised as printed",
}


def _study_files():
    files = sorted((ROOT / "docs").rglob("*.md"))
    return files + [ROOT / "data" / "themes.yaml", ROOT / "data" / "instrument.yaml"]


def test_the_study_text_holds_only_the_known_hits():
    found = {}
    for path in _study_files():
        rel = path.relative_to(ROOT).as_posix()
        for hit in pii.find(path.read_text(encoding="utf-8")):
            found.setdefault((rel, hit.kind, hit.text), []).append(hit.line)
    unexpected = {k: v for k, v in found.items() if k not in STUDY_HITS}
    assert not unexpected, f"new hits (path, kind, text) -> lines: {unexpected}"
    missing = set(STUDY_HITS) - set(found)
    assert not missing, f"listed but no longer found: {missing}"
