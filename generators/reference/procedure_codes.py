"""The practice's procedure codes: CDT codes with a short description, category and usual fee.

Fees are the practice's usual (UCR) fees in dollars, near published US 2024 averages. Categories are
definition ids of the contract's closed ProcCat list; treatment areas follow OpenDental's TreatmentArea
enum (1 surface, 2 tooth, 3 mouth, 4 quadrant, 6 arch).
"""

from __future__ import annotations

from dataclasses import dataclass

# ProcCat definition ids (category 11) and their names.
PROC_CATEGORIES = {
    73: "Exams & X-Rays",
    74: "Cleanings",
    75: "Fillings",
    76: "Crowns & Bridges",
    77: "Endodontics",
    78: "Periodontics",
    79: "Oral Surgery",
    80: "Dentures",
    81: "Implants",
    82: "Orthodontics",
    83: "Miscellaneous",
    85: "Adjunctive Services",
    250: "Sealants",
    251: "Fluoride",
    260: "Emergency",
    300: "Cosmetic",
    301: "Occlusal Guards",
    540: "Implant Restorations",
    548: "Bone Grafts",
    622: "Fixed Prosthodontics",
    665: "Pediatric",
    667: "Whitening",
    668: "Lab Fees",
}

SURFACE, TOOTH, MOUTH, QUAD, ARCH = 1, 2, 3, 4, 6


@dataclass(frozen=True)
class ProcCode:
    code: str
    descript: str
    abbr: str
    category: int
    treat_area: int
    fee: int  # usual fee, whole dollars
    coverage: str  # insurance class: "preventive", "basic" or "major"
    hygiene: bool = False
    minutes: int = 30


CODES: tuple[ProcCode, ...] = (
    # Diagnostic
    ProcCode("D0120", "periodic oral evaluation - established patient", "PerEx", 73, MOUTH, 65, "preventive",
             minutes=10),
    ProcCode("D0140", "limited oral evaluation - problem focused", "LimEx", 73, MOUTH, 95, "preventive", minutes=15),
    ProcCode("D0150", "comprehensive oral evaluation - new or established patient", "CompEx", 73, MOUTH, 115,
             "preventive", minutes=20),
    ProcCode("D0180", "comprehensive periodontal evaluation", "PerioEx", 73, MOUTH, 125, "preventive", minutes=20),
    ProcCode("D0210", "intraoral - comprehensive series of radiographic images", "FMX", 73, MOUTH, 160, "preventive",
             minutes=20),
    ProcCode("D0220", "intraoral - periapical first radiographic image", "PA", 73, TOOTH, 35, "preventive", minutes=5),
    ProcCode("D0230", "intraoral - periapical each additional radiographic image", "PA+", 73, TOOTH, 28, "preventive",
             minutes=5),
    ProcCode("D0272", "bitewings - two radiographic images", "2BW", 73, MOUTH, 60, "preventive", minutes=10),
    ProcCode("D0274", "bitewings - four radiographic images", "4BW", 73, MOUTH, 80, "preventive", minutes=10),
    ProcCode("D0330", "panoramic radiographic image", "Pano", 73, MOUTH, 135, "preventive", minutes=10),
    ProcCode("D0350", "2D oral/facial photographic image", "Photo", 73, MOUTH, 40, "preventive", minutes=10),
    ProcCode("D0431", "adjunctive pre-diagnostic test for mucosal abnormalities", "CancerScr", 85, MOUTH, 65,
             "preventive", minutes=10),
    ProcCode("D0460", "pulp vitality tests", "PulpTest", 73, TOOTH, 45, "basic", minutes=10),
    # Preventive
    ProcCode("D1110", "prophylaxis - adult", "Pro", 74, MOUTH, 120, "preventive", hygiene=True, minutes=40),
    ProcCode("D1120", "prophylaxis - child", "ProChild", 74, MOUTH, 85, "preventive", hygiene=True, minutes=30),
    ProcCode("D1206", "topical application of fluoride varnish", "FlVarn", 251, MOUTH, 45, "preventive",
             hygiene=True, minutes=5),
    ProcCode("D1208", "topical application of fluoride - excluding varnish", "Flo", 251, MOUTH, 38, "preventive",
             hygiene=True, minutes=5),
    ProcCode("D1330", "oral hygiene instructions", "OHI", 74, MOUTH, 30, "preventive", hygiene=True, minutes=10),
    ProcCode("D1351", "sealant - per tooth", "Seal", 250, TOOTH, 55, "preventive", hygiene=True, minutes=10),
    ProcCode("D1354", "application of caries arresting medicament - per tooth", "SDF", 665, TOOTH, 45, "preventive",
             minutes=5),
    ProcCode("D1510", "space maintainer - fixed, unilateral - per quadrant", "SpaceMaint", 665, QUAD, 350, "basic",
             minutes=30),
    # Restorative
    ProcCode("D2140", "amalgam - one surface, primary or permanent", "A1", 75, SURFACE, 150, "basic"),
    ProcCode("D2150", "amalgam - two surfaces, primary or permanent", "A2", 75, SURFACE, 185, "basic"),
    ProcCode("D2160", "amalgam - three surfaces, primary or permanent", "A3", 75, SURFACE, 225, "basic", minutes=40),
    ProcCode("D2330", "resin-based composite - one surface, anterior", "C1", 75, SURFACE, 165, "basic"),
    ProcCode("D2331", "resin-based composite - two surfaces, anterior", "C2", 75, SURFACE, 205, "basic"),
    ProcCode("D2332", "resin-based composite - three surfaces, anterior", "C3", 75, SURFACE, 245, "basic",
             minutes=40),
    ProcCode("D2335", "resin-based composite - four or more surfaces, anterior", "C4", 75, SURFACE, 295, "basic",
             minutes=40),
    ProcCode("D2391", "resin-based composite - one surface, posterior", "CP1", 75, SURFACE, 185, "basic"),
    ProcCode("D2392", "resin-based composite - two surfaces, posterior", "CP2", 75, SURFACE, 240, "basic",
             minutes=40),
    ProcCode("D2393", "resin-based composite - three surfaces, posterior", "CP3", 75, SURFACE, 295, "basic",
             minutes=50),
    ProcCode("D2394", "resin-based composite - four or more surfaces, posterior", "CP4", 75, SURFACE, 340, "basic",
             minutes=60),
    ProcCode("D2962", "labial veneer (porcelain laminate) - indirect", "Veneer", 300, TOOTH, 1350, "major",
             minutes=60),
    # Crowns and bridges
    ProcCode("D2740", "crown - porcelain/ceramic", "CrnPorc", 76, TOOTH, 1250, "major", minutes=90),
    ProcCode("D2750", "crown - porcelain fused to high noble metal", "CrnPFM", 76, TOOTH, 1200, "major", minutes=90),
    ProcCode("D2790", "crown - full cast high noble metal", "CrnGold", 76, TOOTH, 1225, "major", minutes=90),
    ProcCode("D2920", "re-cement or re-bond crown", "Recem", 76, TOOTH, 125, "basic", minutes=20),
    ProcCode("D2930", "prefabricated stainless steel crown - primary tooth", "SSC", 665, TOOTH, 310, "basic",
             minutes=40),
    ProcCode("D2950", "core buildup, including any pins when required", "BU", 76, TOOTH, 310, "major", minutes=30),
    ProcCode("D2954", "prefabricated post and core in addition to crown", "Post", 76, TOOTH, 365, "major",
             minutes=30),
    ProcCode("D6240", "pontic - porcelain fused to high noble metal", "PontPFM", 622, TOOTH, 1150, "major",
             minutes=60),
    ProcCode("D6750", "retainer crown - porcelain fused to high noble metal", "RetPFM", 622, TOOTH, 1200, "major",
             minutes=60),
    # Endodontics
    ProcCode("D3110", "pulp cap - direct (excluding final restoration)", "PulpCap", 77, TOOTH, 75, "basic",
             minutes=15),
    ProcCode("D3220", "therapeutic pulpotomy (excluding final restoration)", "Pulpot", 77, TOOTH, 210, "basic",
             minutes=40),
    ProcCode("D3310", "endodontic therapy, anterior tooth (excluding final restoration)", "RCTAnt", 77, TOOTH, 850,
             "basic", minutes=60),
    ProcCode("D3320", "endodontic therapy, premolar tooth (excluding final restoration)", "RCTPM", 77, TOOTH, 980,
             "basic", minutes=75),
    ProcCode("D3330", "endodontic therapy, molar tooth (excluding final restoration)", "RCTMol", 77, TOOTH, 1180,
             "basic", minutes=90),
    ProcCode("D3346", "retreatment of previous root canal therapy - anterior", "ReRCT", 77, TOOTH, 1000, "basic",
             minutes=90),
    # Periodontics
    ProcCode("D4341", "periodontal scaling and root planing - four or more teeth per quadrant", "SRP4", 78, QUAD,
             265, "basic", hygiene=True, minutes=45),
    ProcCode("D4342", "periodontal scaling and root planing - one to three teeth per quadrant", "SRP1-3", 78, QUAD,
             185, "basic", hygiene=True, minutes=30),
    ProcCode("D4355", "full mouth debridement to enable a comprehensive evaluation", "FMD", 78, MOUTH, 175, "basic",
             hygiene=True, minutes=60),
    ProcCode("D4381", "localized delivery of antimicrobial agents - per tooth", "Arestin", 78, TOOTH, 95, "basic",
             hygiene=True, minutes=10),
    ProcCode("D4910", "periodontal maintenance", "PerioMaint", 78, MOUTH, 155, "basic", hygiene=True, minutes=50),
    ProcCode("D4260", "osseous surgery - four or more contiguous teeth per quadrant", "Osseous", 78, QUAD, 1100,
             "major", minutes=90),
    # Removable prosthodontics
    ProcCode("D5110", "complete denture - maxillary", "FUD", 80, ARCH, 1900, "major", minutes=60),
    ProcCode("D5120", "complete denture - mandibular", "FLD", 80, ARCH, 1900, "major", minutes=60),
    ProcCode("D5213", "maxillary partial denture - cast metal framework", "PUD", 80, ARCH, 1850, "major",
             minutes=60),
    ProcCode("D5214", "mandibular partial denture - cast metal framework", "PLD", 80, ARCH, 1850, "major",
             minutes=60),
    ProcCode("D5730", "reline complete maxillary denture (direct)", "Reline", 80, ARCH, 395, "major", minutes=40),
    ProcCode("D5511", "repair broken complete denture base, mandibular", "DentRep", 80, ARCH, 225, "basic",
             minutes=30),
    # Implants
    ProcCode("D6010", "surgical placement of implant body: endosteal implant", "Implant", 81, TOOTH, 2200, "major",
             minutes=90),
    ProcCode("D6056", "prefabricated abutment - includes modification and placement", "Abut", 540, TOOTH, 650,
             "major", minutes=30),
    ProcCode("D6058", "abutment supported porcelain/ceramic crown", "ImpCrn", 540, TOOTH, 1400, "major",
             minutes=60),
    ProcCode("D6065", "implant supported porcelain/ceramic crown", "ImpCrnDir", 540, TOOTH, 1500, "major",
             minutes=60),
    ProcCode("D6114", "implant/abutment supported fixed denture for edentulous arch - maxillary", "HybridMax", 540,
             ARCH, 9800, "major", minutes=120),
    ProcCode("D6115", "implant/abutment supported fixed denture for edentulous arch - mandibular", "HybridMand", 540,
             ARCH, 9800, "major", minutes=120),
    # Oral surgery
    ProcCode("D7140", "extraction, erupted tooth or exposed root", "Ext", 79, TOOTH, 185, "basic"),
    ProcCode("D7210", "extraction, erupted tooth requiring removal of bone and/or sectioning of tooth", "SurgExt", 79,
             TOOTH, 325, "basic", minutes=45),
    ProcCode("D7220", "removal of impacted tooth - soft tissue", "ImpST", 79, TOOTH, 385, "basic", minutes=45),
    ProcCode("D7230", "removal of impacted tooth - partially bony", "ImpPB", 79, TOOTH, 465, "basic", minutes=60),
    ProcCode("D7240", "removal of impacted tooth - completely bony", "ImpCB", 79, TOOTH, 550, "basic", minutes=60),
    ProcCode("D7250", "removal of residual tooth roots (cutting procedure)", "RootRem", 79, TOOTH, 340, "basic",
             minutes=45),
    ProcCode("D7310", "alveoloplasty in conjunction with extractions - four or more teeth per quadrant", "Alveo", 79,
             QUAD, 300, "basic", minutes=30),
    ProcCode("D7510", "incision and drainage of abscess - intraoral soft tissue", "I&D", 260, TOOTH, 250, "basic",
             minutes=30),
    ProcCode("D7953", "bone replacement graft for ridge preservation - per site", "RidgePres", 548, TOOTH, 495,
             "major", minutes=30),
    # Orthodontics
    ProcCode("D8080", "comprehensive orthodontic treatment of the adolescent dentition", "OrthoAdol", 82, MOUTH,
             5800, "major", minutes=60),
    ProcCode("D8090", "comprehensive orthodontic treatment of the adult dentition", "OrthoAdult", 82, MOUTH, 6200,
             "major", minutes=60),
    ProcCode("D8670", "periodic orthodontic treatment visit", "OrthoVisit", 82, MOUTH, 125, "major", minutes=20),
    # Adjunctive
    ProcCode("D9110", "palliative treatment of dental pain - per visit", "Palliative", 260, MOUTH, 110, "basic",
             minutes=20),
    ProcCode("D9215", "local anesthesia in conjunction with operative or surgical procedures", "Anes", 85, MOUTH, 45,
             "basic", minutes=5),
    ProcCode("D9230", "inhalation of nitrous oxide/analgesia, anxiolysis", "N2O", 85, MOUTH, 75, "basic", minutes=5),
    ProcCode("D9239", "intravenous moderate (conscious) sedation/analgesia - first 15 minutes", "IVSed", 85, MOUTH,
             350, "major", minutes=15),
    ProcCode("D9310", "consultation - diagnostic service provided by dentist other than requesting dentist",
             "Consult", 83, MOUTH, 150, "preventive", minutes=30),
    ProcCode("D9910", "application of desensitizing medicament", "Desens", 85, TOOTH, 55, "basic", minutes=5),
    ProcCode("D9944", "occlusal guard - hard appliance, full arch", "NightGuard", 301, ARCH, 550, "major",
             minutes=30),
    ProcCode("D9972", "external bleaching - per arch - performed in office", "WhiteOff", 667, ARCH, 425, "major",
             minutes=60),
    ProcCode("D9975", "external bleaching for home application, per arch", "WhiteHome", 667, ARCH, 275, "major",
             minutes=20),
)

BY_CODE = {c.code: c for c in CODES}
# CodeNum is the code's position in CODES, starting at 1.
CODE_NUM = {c.code: i for i, c in enumerate(CODES, start=1)}
