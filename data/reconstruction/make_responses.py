"""Reconstruct the survey's respondent-level data: writes data/responses.csv and responses.meta.yaml.

The study's data were never published: only the figures its manuscript states. This script builds
63 pseudonymous respondents (P1..P63) whose answers reproduce every stated figure, with
everything the text does not state spread plausibly, and documents which is which.

Run from the project root:  .venv/bin/python data/reconstruction/make_responses.py [OUT_DIR]
Seeded and deterministic: running it twice writes the same bytes. OUT_DIR defaults to data/.

Sources (paper.txt = the manuscript text; appendix = data/source/appendix_b.txt):
- counts and percentages: Results, paper.txt lines 45-81; Discussion line 86; limitations line 95;
- who answered which free-text question: the participant labels of appendix Steps 2 and 3 and
  the "[ppt. N]" labels of the Results (Step 1 numbers the answers differently and is not used).
"""
from __future__ import annotations

import csv
import random
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from findings.load.instrument import load_instrument  # noqa: E402

SEED = 20230515  # the survey opened on 15 May 2023
RESPONDENTS = [f"P{n}" for n in range(1, 64)]
MARKER = "[answer not published]"  # every answered free-text cell: the words are not published

# ----------------------------------------------------------------------------- who stops where
# 44 finished (paper.txt line 47). The other 19 stop part-way, answering everything up to and
# including the question named here (not stated: chosen so that each percentage's denominator
# reproduces the stated percentage, e.g. 42 of the 60 who answered Q11 = 70%).
STOPS = [("Q10", 3), ("Q12", 2), ("Q16", 2), ("Q17", 5), ("Q21", 3), ("Q23", 2), ("Q25", 2)]

# ----------------------------------------------------------------------------- closed questions
# Counts per option over those who reach the question. "stated" marks a count the text gives.
COUNTS = {
    "Q1": {"18 - 25": 8, "26 – 35": 24, "36 – 45": 14, "46 – 55": 10, "56 – 65": 6,
           "Over 65": 0, "Prefer not to say": 1},                              # 26-35: 24 stated
    "Q2": {"Male": 9, "Female": 54},                                         # female 54 stated
    "Q3": {"Asian, Asian British": 6, "Black, Black British, Caribbean or African": 4,
           "Mixed or multiple ethnic groups": 3, "White": 49, "Prefer not to say": 1},  # white 49
    "Q4": {"Buddhism": 1, "Christianity": 13, "Hinduism": 1, "Judaism": 1, "Islam": 2,
           "No religion": 44, "Prefer not to say": 1},                        # no religion 44
    "Q5": {"Less than 2 years": 12, "2-5 years": 19, "6-10 years": 15,
           "More than 10 years": 17},                                         # 2-5 years 19
    "Q7": {"Social worker": 8, "Occupational therapist": 7, "Psychologist": 16, "Psychiatrist": 6,
           "Counsellor, therapist": 5, "Support worker": 11, "Peer support worker": 3,
           "Other (please specify)": 6, "Prefer not to say": 1},              # psychologists 16
    "Q8": {"NHS": 46, "Local authority": 5, "Voluntary sector organisation": 8,
           "Independent sector organisation": 3, "Prefer not to say": 1},     # NHS 46
    "Q10": {"U.K.": 63},
    "Q11": {"Strongly agree": 22, "Somewhat agree": 20, "Somewhat disagree": 13,
            "Strongly disagree": 5},                                          # 70% / 8% of 60
    "Q13": {"Less than 25%": 8, "25-50%": 13, "50-75%": 19, "More than 75%": 18},  # 64% of 58
    "Q14": {"Less than 25%": 17, "25-50%": 18, "50-75%": 14, "More than 75%": 9},  # 60% of 58
    "Q15": {"None": 6, "Few": 37, "Many": 13, "All or nearly all": 2},       # 10%, 64% of 58
    "Q16": {"Never": 6, "Rarely": 27, "Sometimes": 19, "Frequently": 6},
    "Q17": {"Always the service user": 9, "Usually the service user": 22,
            "Sometimes me sometimes them": 17, "Usually me": 2, "Always me": 0,
            "Not applicable – I don’t have these conversations": 6},        # 4% / 0 of 56
    "Q21": {"One-to-one conversations": 40, "Group settings": 3, "Unsure": 8},  # one-to-one most
    "Q26": {"Yes": 3, "No": 41},                                             # 7% of 44
    "Q30": {"Yes": 29, "no": 15},
    "Q31": {"Yes": 17, "no": 27},
    "Q32": {"Yes": 8, "no": 36},
}
# Q9 (service) depends on Q8 (sector): an NHS community team is an NHS service.
Q9_BY_SECTOR = {
    True: {"NHS community based mental health team": 32, "Inpatient service": 10,           # 32 stated
           "Day service (e.g. day centre, drop-in service, recovery college)": 1, "Other (please specify)": 3},
    False: {"Day service (e.g. day centre, drop-in service, recovery college)": 4,
            "Supported accommodation service (e.g. residential service, supported housing, floating outreach)": 9,
            "Other (please specify)": 3, "Prefer not to say": 1},
}
# Q18 barriers matrix, over the 51 who reach it. Stated (paper.txt lines 59, 86): most "A great
# deal" for training, then boundaries, vulnerability, intrusiveness; a majority "Not at all" for
# management support, time and training; training rated "Not at all" and "A great deal" by
# similar numbers. All three statements about training hold only with a polarised spread.
SCALE = ["Not at all", "A little", "A moderate amount", "A great deal"]
Q18 = {
    "Q18_1": [26, 1, 1, 23],   # lack of training
    "Q18_2": [14, 9, 10, 18],  # professional boundaries
    "Q18_3": [11, 13, 13, 14],  # service user vulnerability
    "Q18_4": [15, 13, 12, 11],  # being intrusive
    "Q18_5": [22, 13, 9, 7],   # inappropriate in my work role
    "Q18_6": [29, 9, 7, 6],    # lack of management support
    "Q18_7": [28, 11, 8, 4],   # lack of time
}
Q18_OTHER = [0, 4, 5, 3]  # "Other barrier": rated only by those who describe one (Q18_8_TEXT)

# ----------------------------------------------------------------------------- answers fixed by quotes
# A participant's own words fix a few answers (appendix, P-labelled quotes):
FIXED = {
    "P54": {"Q2": "Male"},  # "being a male member of staff" (appendix line 477)
    "P49": {"Q2": "Male"},  # "a make [male] worker asking a female" (appendix line 476)
    "P38": {"Q7": "Psychiatrist"},  # "as a consultant psychiatrist" (appendix line 433)
    "P34": {"Q5": "More than 10 years", "Q15": "None", "Q16": "Never",   # "In 20 years I’ve not
            "Q17": "Not applicable – I don’t have these conversations"},  # witnessed this" (608)
    "P5": {"Q15": "None", "Q16": "Never",                                 # "not something that is
           "Q17": "Not applicable – I don’t have these conversations"},   # done in my practice" (607)
    "P58": {"Q15": "None", "Q16": "Never",                                # "None" (609)
            "Q17": "Not applicable – I don’t have these conversations"},
    "P7": {"Q11": "Strongly disagree"},  # "I do not think it should be part of my role" (662)
    "P25": {"Q26": "No"}, "P31": {"Q26": "No"},  # "I have experienced no training" (485, line 64)
    "P2": {"Q18_8": "A moderate amount"},  # "(moderate amount)" (appendix line 416)
}
# Named as the most significant barrier (Q19, appendix lines 460-532) -> rated "A great deal".
MOST_SIGNIFICANT = {
    "Q18_1": ["P32", "P13", "P25", "P36", "P42", "P47", "P56"],
    "Q18_2": ["P9", "P10", "P17", "P19", "P31", "P35", "P51", "P58"],
    "Q18_3": ["P19", "P24", "P27", "P34", "P41", "P57", "P62"],
    "Q18_4": ["P4", "P49"],
    "Q18_5": ["P2"],
    "Q18_6": ["P5", "P33", "P46", "P48", "P54"],
    "Q18_7": ["P8", "P12", "P43"],
}
# Those who answered "None" to Q15 also answer "Never" to Q16 and "Not applicable" to Q17.
NO_CONVERSATIONS = {"Q15": "None", "Q16": "Never",
                    "Q17": "Not applicable – I don’t have these conversations"}

# ----------------------------------------------------------------------------- free text
APPENDIX_SECTIONS = {"Question 1": ["Q12"], "Question 2": ["Q18_8_TEXT"], "Question 3": ["Q19"],
                     "Question 4": ["Q20"], "Question 5": ["Q24"], "Question 6": ["Q25"]}
BARRIER_TEXT = ["Q18_8_TEXT", "Q19", "Q20"]
# Quotes in the Results, by the column they come from (paper.txt lines 52-57, 63-67, 74-81).
RESULTS_QUOTES = {
    "Q12": [48, 26, 58, 24, 33, 41, 3, 51, 38, 43],
    "barriers": [40, 13, 57, 24, 5, 31, 43, 62, 7, 41, 2, 13],
    "Q24": [39, 10, 11, 33, 40, 32, 34],
    "Q25": [43, 30, 4, 11, 31, 33, 40, 48],
}
# Every label quoted for a free-text column answers it, except these. Each would break a stated
# count: Q12 was answered by 45 (paper.txt line 51) and the barrier questions by 39 (lines 63, 65),
# but Steps 2-3 quote 46 and 41 distinct labels for them.
NOT_ANSWERED = {
    ("P8", "Q12"): "Q12 was answered by 45 (paper.txt line 51), but 46 distinct labels are quoted "
                   "for it; P8 is left out: quoted for Q12 only as a bare [8] (appendix_b.txt line 755, a Q12 answer carried "
                   "into the barriers merge); bare numbers follow appendix Step 1's numbering, not "
                   "participant numbers, and P8 answers the barrier question where it is quoted as [P8]",
    ("P37", "Q20"): "the barrier questions were answered by 39 (paper.txt lines 63 and 65), but 41 "
                    "distinct labels are quoted under them; P37 is one of the two left out: quoted only as a bare [37] under question 20 (appendix_b.txt lines 537 and 749); "
                    "in appendix Step 1's numbering [37] stands for P31 wherever Step 2 relabels it "
                    "(lines 94 and 426, 224 and 564, 276 and 624)",
    ("P44", "Q18_8_TEXT"): "the second of the two left out of the 39 barrier answerers. 40 participants with P labels are quoted under the barrier questions, one "
                           "more than the 39 stated; P44's only barrier quote is the 'Other barrier' "
                           "text (appendix_b.txt lines 431 and 670), not cited in the Results. P44 "
                           "still answers Q18 (its rating items)",
}
OTHER_TEXT = {"Q23": 21, "Q27": 13}  # answered free-text counts the text does not state


def quoted(appendix: list[str]) -> dict[str, set[str]]:
    """Column -> participant labels ("P31", bare [31] read as P31 too) quoted for it in appendix
    Steps 2-3 and in the Results."""
    label = re.compile(r"\[P?(\d+)\]")
    step2_text: dict[str, list[str]] = {}  # normalised quote -> columns (to place Merge 1 quotes)
    out: dict[str, set[str]] = {}
    section = None
    started = False
    for line in appendix:
        if line.startswith("Step 2"):
            started = True
        if not started:
            continue
        head = re.match(r"^(Question \d|Merge \d)", line)
        if head:
            section = head.group(1)
            continue
        if line.startswith("Suggestions for future practice"):
            section = "Merge 2b"
        labels = {f"P{n}" for n in label.findall(line)}
        if not labels or section is None:
            continue
        key = re.sub(r"[^a-z]", "", label.sub("", line.lower()))
        if section in APPENDIX_SECTIONS:
            columns = APPENDIX_SECTIONS[section]
            step2_text.setdefault(key, []).extend(columns)
        elif section == "Merge 1":
            # a merged quote answers the question its text is printed under in Step 2; the three
            # that Step 2 does not print (lines 755-757) are answers to Q12 (Step 1 lines 60-61)
            columns = [c for c in step2_text.get(key, []) if c in BARRIER_TEXT] or ["Q12"]
        else:
            columns = ["Q24"] if section == "Merge 2" else ["Q25"]
        for column in columns:
            out.setdefault(column, set()).update(labels)
    for column, numbers in RESULTS_QUOTES.items():
        out.setdefault(column, set()).update(f"P{n}" for n in numbers)
    return out


def build(instrument, appendix: list[str]) -> tuple[list[str], list[dict]]:
    """The header and the 63 rows (dicts column -> cell text) of responses.csv."""
    rng = random.Random(SEED)
    order = [q.id for q in instrument.questions]
    pos = {qid: i for i, qid in enumerate(order)}
    col_q = {c: instrument.column_question(c).id for c in instrument.data_columns()}

    # who answers each free-text column
    q = quoted(appendix)
    for p, column in NOT_ANSWERED:
        assert p in q[column], (p, column)
    free = {column: q[column] - {p for p, c in NOT_ANSWERED if c == column}
            for column in ["Q12"] + BARRIER_TEXT + ["Q24", "Q25"]}
    placed = set().union(*(free[c] for c in BARRIER_TEXT))
    assert q["barriers"] <= placed, "a barrier quote of the Results is not placed"

    # the last question each respondent must reach
    need = {p: -1 for p in RESPONDENTS}
    for column, people in free.items():
        for p in people:
            need[p] = max(need[p], pos[col_q[column]])
    stop: dict[str, str] = {}
    for qid, n in STOPS:
        pool = sorted((p for p in RESPONDENTS if p not in stop and need[p] <= pos[qid]
                       and p not in FIXED), key=lambda p: int(p[1:]))
        for p in rng.sample(pool, n):
            stop[p] = qid
    last = {p: pos[stop[p]] if p in stop else len(order) - 1 for p in RESPONDENTS}

    def reach(qid: str) -> list[str]:
        return [p for p in RESPONDENTS if last[p] >= pos[qid]]

    rows = {p: {} for p in RESPONDENTS}

    def deal(column: str, people: list[str], counts: dict[str, int], fixed: dict[str, str]) -> None:
        """Give each person one label so that the totals are ``counts``; fixed answers first."""
        left = dict(counts)
        for p, label in fixed.items():
            left[label] -= 1
            rows[p][column] = label
        labels = [label for label, n in left.items() for _ in range(n)]
        others = [p for p in people if p not in fixed]
        assert len(labels) == len(others) and min(left.values()) >= 0, (column, len(labels), len(others))
        rng.shuffle(labels)
        for p, label in zip(others, labels):
            rows[p][column] = label

    def fixed_for(column: str, people: list[str]) -> dict[str, str]:
        return {p: FIXED[p][column] for p in people if column in FIXED.get(p, {})}

    # the three linked "no conversations" answers: the fixed three, and three more at random
    reach17 = reach("Q17")
    none = [p for p in reach17 if FIXED.get(p, {}).get("Q15") == "None"]
    none += rng.sample(sorted(set(reach17) - set(none) - set(FIXED), key=lambda p: int(p[1:])),
                       COUNTS["Q15"]["None"] - len(none))

    for qid in ["Q1", "Q2", "Q3", "Q4", "Q5", "Q7", "Q8", "Q10", "Q11", "Q13", "Q14", "Q15",
                "Q16", "Q17", "Q21", "Q26", "Q30", "Q31", "Q32"]:
        people = reach(qid)
        fixed = fixed_for(qid, people)
        if qid in NO_CONVERSATIONS:
            fixed.update({p: NO_CONVERSATIONS[qid] for p in none})
        deal(qid, people, COUNTS[qid], fixed)
    for nhs in (True, False):
        people = [p for p in reach("Q9") if (rows[p]["Q8"] == "NHS") == nhs]
        deal("Q9", people, Q9_BY_SECTOR[nhs], {})

    # Q18: the named most-significant barrier is rated "A great deal"
    people18 = reach("Q18")
    for column, counts in Q18.items():
        fixed = {p: "A great deal" for p in MOST_SIGNIFICANT.get(column, []) if p in people18}
        deal(column, people18, dict(zip(SCALE, counts)), fixed)
    raters = sorted(free["Q18_8_TEXT"], key=lambda p: int(p[1:]))
    deal("Q18_8", raters, dict(zip(SCALE, Q18_OTHER)), fixed_for("Q18_8", raters))

    # free text: the marker, never invented words
    for column, people in free.items():
        for p in people:
            assert last[p] >= pos[col_q[column]], (p, column)
            rows[p][column] = MARKER
    for column, n in OTHER_TEXT.items():
        pool = reach(col_q[column])
        for p in rng.sample(pool, n):
            rows[p][column] = MARKER
    for p in RESPONDENTS:
        if rows[p].get("Q26") == "Yes":
            rows[p]["Q26a"] = MARKER
        for qid in ("Q7", "Q9"):
            option = instrument.question(qid).option("Other (please specify)")
            if rows[p].get(qid) == option.label:
                rows[p][option.text_column] = MARKER

    header = ["ResponseId", "Progress", "Finished"] + instrument.data_columns()
    out = []
    for p in RESPONDENTS:
        finished = p not in stop
        progress = 100 if finished else round(100 * (last[p] + 1) / len(order))
        row = {"ResponseId": p, "Progress": str(progress), "Finished": "1" if finished else "0"}
        for column in instrument.data_columns():
            value = rows[p].get(column, "")
            assert not value or last[p] >= pos[col_q[column]], (p, column)
            row[column] = value
        out.append(row)
    return header, out


META_HEADER = """\
# Describes data/responses.csv. Written by data/reconstruction/make_responses.py: do not edit by
# hand; change the script and run it again. Field guide: data/README.md, section 'responses'.
"""
NOTE = (
    "The study did not publish its respondent-level answers. The 63 respondents here (P1 to P63) "
    "were rebuilt so that the counts and percentages the manuscript reports come out the same; "
    "answers the manuscript does not report were filled in plausibly and carry no information. "
    f"Free-text answers are not reproduced: an answered free-text question holds the marker "
    f"\"{MARKER}\", and participants' words appear only where the manuscript quotes them.")
CONFLICTS = [
    {"figure": "only 15% of respondents were male (paper.txt line 95)",
     "decision": "Not met. With 54 of 63 female (line 47) at most 9 can be male, and 9 of 63 is "
                 "14.3%, which rounds to 14%. The data keep the stated count: 54 female, 9 male."},
    {"figure": "lack of training was rated 'not at all' by a majority, 'a great deal' by the most, "
               "and both by similar numbers (paper.txt lines 59 and 86)",
     "decision": "Met, but only by a polarised spread: 26 'Not at all' and 23 'A great deal' of 51. "
                 "The manuscript gives no counts for the barrier ratings."},
]


def meta(instrument) -> dict:
    free_columns = [c for c in instrument.data_columns()
                    if instrument.column_question(c).type == "free_text" or c.endswith("_TEXT")]
    conflicts = list(CONFLICTS)
    for (p, column), why in NOT_ANSWERED.items():
        conflicts.append({"figure": f"{p} is quoted for {column}", "decision": f"{p} does not answer "
                          f"{column} in these data: {why}."})
    return {
        "reconstructed": True,
        "title": "Reconstructed data, not the study's own responses",
        "note": NOTE,
        "source": "Rebuilt from the figures the manuscript states (Results, Discussion, Strengths "
                  "and limitations) and the participant labels of its Appendix B; no original "
                  "data were used.",
        "generator": {"script": "data/reconstruction/make_responses.py", "seed": SEED,
                      "free_text_marker": MARKER},
        "not_reconstructed_columns": free_columns,
        "conflicts": conflicts,
    }


def meta_text(instrument) -> str:
    return META_HEADER + yaml.safe_dump(meta(instrument), sort_keys=False, allow_unicode=True, width=100)


def write(out_dir: Path) -> None:
    instrument = load_instrument(ROOT / "data" / "instrument.yaml")
    appendix = (ROOT / "data" / "source" / "appendix_b.txt").read_text(encoding="utf-8").split("\n")
    header, rows = build(instrument, appendix)
    out_dir.mkdir(parents=True, exist_ok=True)
    with open(out_dir / "responses.csv", "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    (out_dir / "responses.meta.yaml").write_text(meta_text(instrument), encoding="utf-8")


if __name__ == "__main__":
    write(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "data")
