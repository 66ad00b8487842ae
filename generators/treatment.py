"""What happens in the chair: which procedure codes a visit holds, on which teeth and surfaces.

A visit has a kind (new-patient exam, hygiene recall, treatment, emergency) and a number of procedures
fixed by the census; this module fills that number with a plausible sequence of codes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from generators.reference.procedure_codes import ARCH, BY_CODE, QUAD, SURFACE, TOOTH, ProcCode
from generators.rng import weighted

# Treatment plans a treatment visit can carry out: codes in the order they are done.
ADULT_TREATMENTS = {
    ("D2392",): 16, ("D2391",): 8, ("D2393",): 6, ("D2394",): 2, ("D2331",): 5, ("D2330",): 4, ("D2332",): 2,
    ("D2150",): 3, ("D2160",): 1, ("D2740", "D2950"): 8, ("D2750", "D2950"): 3, ("D2790",): 1, ("D2920",): 2,
    ("D3330", "D0220"): 3, ("D3320", "D0220"): 2, ("D3310", "D0220"): 1, ("D3346",): 0.3, ("D4341", "D4341"): 6,
    ("D4342", "D4381"): 2, ("D4260",): 0.4, ("D7140",): 5, ("D5110",): 0.6, ("D5120",): 0.4, ("D5213",): 0.7,
    ("D5214",): 0.5, ("D5730",): 0.4, ("D5511",): 0.3, ("D6056", "D6058"): 1, ("D6065",): 0.4, ("D6240", "D6750"): 0.5,
    ("D9944",): 2.5, ("D9972",): 1, ("D9975",): 1, ("D2962",): 0.5, ("D8090",): 0.15, ("D8670",): 0.3,
    ("D9910",): 1, ("D2954", "D2740"): 0.5, ("D0180",): 1, ("D0350", "D9310"): 0.5,
}
# Done by the visiting oral surgeon.
SURGICAL_TREATMENTS = {
    ("D7210",): 4, ("D7210", "D7953"): 2, ("D7220",): 1, ("D7230", "D9230"): 1, ("D7240", "D9239"): 1,
    ("D7250",): 0.8, ("D6010", "D7953"): 1.5, ("D6010",): 1, ("D7140", "D7310"): 0.5, ("D6114",): 0.02,
    ("D6115",): 0.02,
}
CHILD_TREATMENTS = {
    ("D2391",): 4, ("D2392",): 3, ("D2930",): 3, ("D3220", "D2930"): 2, ("D1351", "D1351"): 4, ("D1354",): 1,
    ("D1510",): 0.5, ("D7140",): 2, ("D8080",): 0.3,
}
EMERGENCY_FOLLOW_UPS = {("D9110",): 5, ("D7140",): 3, ("D3220",): 1, ("D7510",): 1, ("D2920",): 1, ("D3110",): 1}
SURGERY_SHARE = 0.12
# Surgery a general dentist does in the office when no oral surgeon works there: the surgical extraction of an
# erupted tooth, with or without a socket graft. Impactions, implants and the rest are referred out.
GENERAL_DENTIST_SURGERY = frozenset({("D7210",), ("D7210", "D7953")})

POSTERIOR = ["2", "3", "4", "5", "12", "13", "14", "15", "18", "19", "20", "21", "28", "29", "30", "31"]
MOLARS = ["2", "3", "14", "15", "18", "19", "30", "31"]
PREMOLARS = ["4", "5", "12", "13", "20", "21", "28", "29"]
ANTERIOR = ["6", "7", "8", "9", "10", "11", "22", "23", "24", "25", "26", "27"]
WISDOM = ["1", "16", "17", "32"]
PRIMARY_MOLARS = ["A", "B", "I", "J", "K", "L", "S", "T"]
SURFACES = {1: ["O", "M", "D", "B", "L"], 2: ["MO", "DO", "OL", "OB"], 3: ["MOD", "MOB", "DOL"], 4: ["MODB", "MODL"]}
ANTERIOR_SURFACES = {1: ["F", "M", "D", "I", "L"], 2: ["MF", "DF", "MI", "DL"], 3: ["MIF", "DIF", "MFL"],
                     4: ["MIDF", "MIDL"]}
QUADRANTS = ["UR", "UL", "LR", "LL"]


@dataclass
class Chart:
    """When the patient last had the films a hygiene visit repeats on a schedule."""

    bitewings: date | None = None
    full_series: date | None = None


BITEWING_DAYS = 330  # bitewings once a year
FULL_SERIES_DAYS = 3 * 365  # a full-mouth series or panoramic image every three to five years


def _due(last: date | None, day: date, days: int) -> bool:
    return last is None or (day - last).days >= days


def new_patient_codes(child: bool, perio: bool, day: date, chart: Chart, rng) -> list[str]:
    """A comprehensive first visit: exam, films, and a cleaning (or a debridement when perio is suspected)."""
    chart.bitewings = day
    if child:
        return ["D0150", "D0272", "D1120", "D1206"] + (["D1351", "D1351"] if rng.random() < 0.3 else [])
    chart.full_series = day
    films = ["D0210"] if rng.random() < 0.7 else ["D0330", "D0274"]
    cleaning = ["D4355"] if perio and rng.random() < 0.5 else ["D1110"]
    extras = (["D0431"] if rng.random() < 0.3 else []) + (["D1330"] if rng.random() < 0.4 else [])
    return ["D0150", *films, *cleaning, *extras]


def hygiene_codes(child: bool, perio: bool, day: date, chart: Chart, rng) -> list[str]:
    """A recall visit: the dentist's periodic exam, the cleaning, and the films that are due."""
    codes = ["D0120", "D1120" if child else ("D4910" if perio else "D1110")]
    if _due(chart.bitewings, day, BITEWING_DAYS):
        codes.append("D0272" if child else "D0274")
        chart.bitewings = day
    if not child and _due(chart.full_series, day, FULL_SERIES_DAYS) and rng.random() < 0.35:
        codes.append("D0330" if rng.random() < 0.5 else "D0210")
        chart.full_series = day
    if child:
        codes.append("D1206")
        if rng.random() < 0.12:
            codes.append("D1351")
    elif rng.random() < 0.12:
        codes.append("D1206")
    if perio and rng.random() < 0.1:
        codes.append("D4381")
    return codes


def emergency_codes(rng) -> list[str]:
    return ["D0140", "D0220"] + (["D9110"] if rng.random() < 0.45 else [])


def treatment_codes(child: bool, surgical: bool, rng) -> list[str]:
    menu = CHILD_TREATMENTS if child else (SURGICAL_TREATMENTS if surgical else ADULT_TREATMENTS)
    return list(weighted(rng, menu))


def emergency_follow_up(rng) -> list[str]:
    return list(weighted(rng, EMERGENCY_FOLLOW_UPS))


def split(codes: list[str], visits: int) -> list[list[str]]:
    """A case's codes over its visits: the preparatory work first (buildup, prep, first quadrants)."""
    if visits == 1 or len(codes) == 1:
        return [codes] + [[] for _ in range(visits - 1)]
    half = (len(codes) + 1) // 2
    return [codes[:half], codes[half:]]


PERIO_THERAPY = ("D4341", "D4341", "D4341", "D4341")  # root planing, four quadrants over two visits
# Existing work seen at a first exam (charted EC/EO) and conditions noted (Cn), by the code they are charted with.
EXISTING_WORK = {"D2391": 5, "D2392": 5, "D2150": 4, "D2160": 2, "D2750": 3, "D2740": 2, "D3330": 1.5, "D2950": 1,
                 "D6010": 0.4, "D1351": 1.5}
CONDITIONS = {"D2391": 3, "D2740": 1, "D7140": 1, "D4341": 1}  # watched decay, a cracked cusp, a hopeless tooth


_SURGICAL_CODES = frozenset(c for plan in SURGICAL_TREATMENTS for c in plan)


def is_surgical(codes: list[str]) -> bool:
    return codes[0] in _SURGICAL_CODES


def site(code: ProcCode, child: bool, rng) -> tuple[str, str]:
    """(ToothNum, Surf) for a procedure, following its treatment area."""
    area = code.treat_area
    if area == QUAD:
        return "", rng.choice(QUADRANTS)
    if area == ARCH:
        return "", rng.choice(["U", "L"])
    if area not in (SURFACE, TOOTH):
        return "", ""
    tooth = _tooth(code.code, child, rng)
    if area == TOOTH:
        return tooth, ""
    surfaces = int(code.abbr[-1]) if code.abbr[-1].isdigit() else 1
    table = ANTERIOR_SURFACES if tooth in ANTERIOR else SURFACES
    return tooth, rng.choice(table[min(surfaces, 4)])


def _tooth(code: str, child: bool, rng) -> str:
    if code in ("D2930", "D3220", "D1354") or (child and code in ("D7140", "D2391", "D2392")):
        return rng.choice(PRIMARY_MOLARS)
    if code == "D1351":
        return rng.choice(["3", "14", "19", "30"])
    if code in ("D2330", "D2331", "D2332", "D2335", "D3310", "D3346", "D2962"):
        return rng.choice(ANTERIOR)
    if code == "D3330":
        return rng.choice(MOLARS)
    if code == "D3320":
        return rng.choice(PREMOLARS)
    if code in ("D7220", "D7230", "D7240"):
        return rng.choice(WISDOM)
    if code.startswith(("D21", "D23", "D29", "D27", "D6")):
        return rng.choice(POSTERIOR)
    return rng.choice(POSTERIOR + ANTERIOR)


def code(code_text: str) -> ProcCode:
    return BY_CODE[code_text]
