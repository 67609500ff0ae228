"""Dyadic ties among the 193 UN members from standard IR datasets (ATOP, TSS, COW IGO).

Reads the Parquet tables under ``shared/reference/ir_datasets`` (as packaged by the R package
``peacesciencer`` 1.2.9) and writes four tables to ``scenarios/un_2022/derived``:

``state_codes.csv``
    COW and Gleditsch-Ward codes of the 193 members (the crosswalk used by the other tables).
``atop_ties_2018.csv``
    ATOP v5.1 directed alliance pledges (defence, offence or consultation) in force in 2018 (the
    last ATOP year): who pledges to whom, with the first year of the unbroken spell ending in
    2018 and the partner's pledges back.
``tss_rivalries_2020.csv``
    Strategic rivalries of Thompson, Sakuwa & Suhas (2022) still active in 2020, the last year
    observed, both directions, with their types.
``igo_joint_2014.csv``
    COW IGO v3 number of intergovernmental organisations each member shares with RUS, USA and CHN
    in 2014 (the last year), and its mean over all other members. COW IGO here is dyadic counts
    only: it does not name organisations, so memberships of named organisations cannot be read
    from it.

Run from the repository root::

    python tools/ir_ties.py

The output is deterministic: rows sorted, floats written with four decimals.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
from _shared import DERIVED, member_codes, reference_parser, write_csv

PACKAGED = "as packaged by R package peacesciencer 1.2.9 (Miller 2022)"
SRC_ATOP = (
    "ATOP v5.1 (Leeds, Ritter, Mitchell & Long 2002, International Interactions 28: 237-260), "
    f"dyad-year file {PACKAGED}; computed by tools/ir_ties.py"
)
SRC_TSS = (
    "Thompson, Sakuwa & Suhas (2022) Analyzing Strategic Rivalries in World Politics (Springer), "
    f"strategic rivalries to 2020 {PACKAGED}; computed by tools/ir_ties.py"
)
SRC_IGO = (
    "COW IGO v3 (Pevehouse, Nordstrom, McManus & Jamison 2020, Journal of Peace Research 57(3): "
    f"492-503), dyad-year joint memberships {PACKAGED}; computed by tools/ir_ties.py"
)
SRC_CODES = (
    "Correlates of War State System Membership v2016 and Gleditsch-Ward state list "
    f"{PACKAGED}; ISO3 assigned by hand in tools/ir_ties.py"
)

# COW code -> ISO3 for the 193 members (states in the COW system at its end, 2016), checked by
# hand against the COW names. COW abbreviations are not ISO codes (GMY, UKG, ROK, TAW, KZK...).
# Tricky cases: 255 is unified Germany (1990-); 345 "Yugoslavia" is carried on by COW for
# Serbia and Montenegro and, from 2006, Serbia; 365 is Russia and the USSR; 679 is unified Yemen
# (1990-); 316 is Czechia (1993-); 484 is Congo (Brazzaville), 490 the DR Congo; 625 Sudan,
# 626 South Sudan (2011-). Kosovo (347) and Taiwan (713) are not UN members and are left out.
COW_TO_ISO3: dict[int, str] = {
    2: "USA",  # USA United States of America
    20: "CAN",  # CAN Canada
    31: "BHS",  # BHM Bahamas
    40: "CUB",  # CUB Cuba
    41: "HTI",  # HAI Haiti
    42: "DOM",  # DOM Dominican Republic
    51: "JAM",  # JAM Jamaica
    52: "TTO",  # TRI Trinidad and Tobago
    53: "BRB",  # BAR Barbados
    54: "DMA",  # DMA Dominica
    55: "GRD",  # GRN Grenada
    56: "LCA",  # SLU St. Lucia
    57: "VCT",  # SVG St. Vincent and the Grenadines
    58: "ATG",  # AAB Antigua & Barbuda
    60: "KNA",  # SKN St. Kitts and Nevis
    70: "MEX",  # MEX Mexico
    80: "BLZ",  # BLZ Belize
    90: "GTM",  # GUA Guatemala
    91: "HND",  # HON Honduras
    92: "SLV",  # SAL El Salvador
    93: "NIC",  # NIC Nicaragua
    94: "CRI",  # COS Costa Rica
    95: "PAN",  # PAN Panama
    100: "COL",  # COL Colombia
    101: "VEN",  # VEN Venezuela
    110: "GUY",  # GUY Guyana
    115: "SUR",  # SUR Suriname
    130: "ECU",  # ECU Ecuador
    135: "PER",  # PER Peru
    140: "BRA",  # BRA Brazil
    145: "BOL",  # BOL Bolivia
    150: "PRY",  # PAR Paraguay
    155: "CHL",  # CHL Chile
    160: "ARG",  # ARG Argentina
    165: "URY",  # URU Uruguay
    200: "GBR",  # UKG United Kingdom
    205: "IRL",  # IRE Ireland
    210: "NLD",  # NTH Netherlands
    211: "BEL",  # BEL Belgium
    212: "LUX",  # LUX Luxembourg
    220: "FRA",  # FRN France
    221: "MCO",  # MNC Monaco
    223: "LIE",  # LIE Liechtenstein
    225: "CHE",  # SWZ Switzerland
    230: "ESP",  # SPN Spain
    232: "AND",  # AND Andorra
    235: "PRT",  # POR Portugal
    255: "DEU",  # GMY Germany
    290: "POL",  # POL Poland
    305: "AUT",  # AUS Austria
    310: "HUN",  # HUN Hungary
    316: "CZE",  # CZR Czech Republic
    317: "SVK",  # SLO Slovakia
    325: "ITA",  # ITA Italy
    331: "SMR",  # SNM San Marino
    338: "MLT",  # MLT Malta
    339: "ALB",  # ALB Albania
    341: "MNE",  # MNG Montenegro
    343: "MKD",  # MAC Macedonia
    344: "HRV",  # CRO Croatia
    345: "SRB",  # YUG Yugoslavia
    346: "BIH",  # BOS Bosnia and Herzegovina
    349: "SVN",  # SLV Slovenia
    350: "GRC",  # GRC Greece
    352: "CYP",  # CYP Cyprus
    355: "BGR",  # BUL Bulgaria
    359: "MDA",  # MLD Moldova
    360: "ROU",  # ROM Romania
    365: "RUS",  # RUS Russia
    366: "EST",  # EST Estonia
    367: "LVA",  # LAT Latvia
    368: "LTU",  # LIT Lithuania
    369: "UKR",  # UKR Ukraine
    370: "BLR",  # BLR Belarus
    371: "ARM",  # ARM Armenia
    372: "GEO",  # GRG Georgia
    373: "AZE",  # AZE Azerbaijan
    375: "FIN",  # FIN Finland
    380: "SWE",  # SWD Sweden
    385: "NOR",  # NOR Norway
    390: "DNK",  # DEN Denmark
    395: "ISL",  # ICE Iceland
    402: "CPV",  # CAP Cape Verde
    403: "STP",  # STP Sao Tome and Principe
    404: "GNB",  # GNB Guinea-Bissau
    411: "GNQ",  # EQG Equatorial Guinea
    420: "GMB",  # GAM Gambia
    432: "MLI",  # MLI Mali
    433: "SEN",  # SEN Senegal
    434: "BEN",  # BEN Benin
    435: "MRT",  # MAA Mauritania
    436: "NER",  # NIR Niger
    437: "CIV",  # CDI Ivory Coast
    438: "GIN",  # GUI Guinea
    439: "BFA",  # BFO Burkina Faso
    450: "LBR",  # LBR Liberia
    451: "SLE",  # SIE Sierra Leone
    452: "GHA",  # GHA Ghana
    461: "TGO",  # TOG Togo
    471: "CMR",  # CAO Cameroon
    475: "NGA",  # NIG Nigeria
    481: "GAB",  # GAB Gabon
    482: "CAF",  # CEN Central African Republic
    483: "TCD",  # CHA Chad
    484: "COG",  # CON Congo
    490: "COD",  # DRC Democratic Republic of the Congo
    500: "UGA",  # UGA Uganda
    501: "KEN",  # KEN Kenya
    510: "TZA",  # TAZ Tanzania
    516: "BDI",  # BUI Burundi
    517: "RWA",  # RWA Rwanda
    520: "SOM",  # SOM Somalia
    522: "DJI",  # DJI Djibouti
    530: "ETH",  # ETH Ethiopia
    531: "ERI",  # ERI Eritrea
    540: "AGO",  # ANG Angola
    541: "MOZ",  # MZM Mozambique
    551: "ZMB",  # ZAM Zambia
    552: "ZWE",  # ZIM Zimbabwe
    553: "MWI",  # MAW Malawi
    560: "ZAF",  # SAF South Africa
    565: "NAM",  # NAM Namibia
    570: "LSO",  # LES Lesotho
    571: "BWA",  # BOT Botswana
    572: "SWZ",  # SWA Swaziland
    580: "MDG",  # MAG Madagascar
    581: "COM",  # COM Comoros
    590: "MUS",  # MAS Mauritius
    591: "SYC",  # SEY Seychelles
    600: "MAR",  # MOR Morocco
    615: "DZA",  # ALG Algeria
    616: "TUN",  # TUN Tunisia
    620: "LBY",  # LIB Libya
    625: "SDN",  # SUD Sudan
    626: "SSD",  # SSD South Sudan
    630: "IRN",  # IRN Iran
    640: "TUR",  # TUR Turkey
    645: "IRQ",  # IRQ Iraq
    651: "EGY",  # EGY Egypt
    652: "SYR",  # SYR Syria
    660: "LBN",  # LEB Lebanon
    663: "JOR",  # JOR Jordan
    666: "ISR",  # ISR Israel
    670: "SAU",  # SAU Saudi Arabia
    679: "YEM",  # YEM Yemen
    690: "KWT",  # KUW Kuwait
    692: "BHR",  # BAH Bahrain
    694: "QAT",  # QAT Qatar
    696: "ARE",  # UAE United Arab Emirates
    698: "OMN",  # OMA Oman
    700: "AFG",  # AFG Afghanistan
    701: "TKM",  # TKM Turkmenistan
    702: "TJK",  # TAJ Tajikistan
    703: "KGZ",  # KYR Kyrgyzstan
    704: "UZB",  # UZB Uzbekistan
    705: "KAZ",  # KZK Kazakhstan
    710: "CHN",  # CHN China
    712: "MNG",  # MON Mongolia
    731: "PRK",  # PRK North Korea
    732: "KOR",  # ROK South Korea
    740: "JPN",  # JPN Japan
    750: "IND",  # IND India
    760: "BTN",  # BHU Bhutan
    770: "PAK",  # PAK Pakistan
    771: "BGD",  # BNG Bangladesh
    775: "MMR",  # MYA Myanmar
    780: "LKA",  # SRI Sri Lanka
    781: "MDV",  # MAD Maldives
    790: "NPL",  # NEP Nepal
    800: "THA",  # THI Thailand
    811: "KHM",  # CAM Cambodia
    812: "LAO",  # LAO Laos
    816: "VNM",  # DRV Vietnam
    820: "MYS",  # MAL Malaysia
    830: "SGP",  # SIN Singapore
    835: "BRN",  # BRU Brunei
    840: "PHL",  # PHI Philippines
    850: "IDN",  # INS Indonesia
    860: "TLS",  # ETM East Timor
    900: "AUS",  # AUL Australia
    910: "PNG",  # PNG Papua New Guinea
    920: "NZL",  # NEW New Zealand
    935: "VUT",  # VAN Vanuatu
    940: "SLB",  # SOL Solomon Islands
    946: "KIR",  # KIR Kiribati
    947: "TUV",  # TUV Tuvalu
    950: "FJI",  # FIJ Fiji
    955: "TON",  # TON Tonga
    970: "NRU",  # NAU Nauru
    983: "MHL",  # MSI Marshall Islands
    986: "PLW",  # PAL Palau
    987: "FSM",  # FSM Federated States of Micronesia
    990: "WSM",  # WSM Samoa
}
# Predecessor codes counted as the same state when dating an ATOP spell: the German Federal
# Republic (260, to 1990) continued as unified Germany (255). Other predecessors (GDR 265,
# Czechoslovakia 315, the two Yemens 678/680) are separate states and are not mapped.
COW_LINEAGE: dict[int, str] = {**COW_TO_ISO3, 260: "DEU"}
# Gleditsch-Ward codes that differ from COW for a member (G-W leaves out microstates).
GW_DIFFERENT: dict[int, str] = {260: "DEU", 340: "SRB", 678: "YEM"}
# Known coding error in the TSS table: rivalry 165 "Eguatorial Guinea-Gabon" carries ccode 438
# (Guinea) for Equatorial Guinea (411); Thompson & Dreyer's same rivalry (no. 156) has 411.
TSS_FIXES: dict[tuple[int, str, int], int] = {(165, "ccode1", 438): 411}
TSS_TYPES = ["positional", "spatial", "ideological", "interventionary"]
ATOP_FLAGS = ["defense", "offense", "neutral", "nonagg", "consul"]
TIE_FLAGS = ["defense", "offense", "consul"]


def both_directions(table: pd.DataFrame, a: str = "iso3", b: str = "partner") -> pd.DataFrame:
    """Return a symmetric dyad table holding each row in both directions.

    Parameters
    ----------
    table : pandas.DataFrame
        Undirected dyads with columns ``a`` and ``b``.
    a, b : str
        Names of the two state columns.

    Returns
    -------
    pandas.DataFrame
        The rows with ``a`` and ``b`` as given, followed by the rows with them swapped.
    """
    swapped = table.rename(columns={a: b, b: a})[table.columns]
    return pd.concat([table, swapped], ignore_index=True)


def state_codes(reference: Path, members: list[str]) -> pd.DataFrame:
    """Build the COW / G-W crosswalk of the 193 members.

    Parameters
    ----------
    reference : Path
        The ``shared/reference`` folder; reads ``ir_datasets/cow_states.parquet`` and
        ``gw_states.parquet``.
    members : list of str
        ISO3 codes of the 193 members (the crosswalk's rows).

    Returns
    -------
    pandas.DataFrame
        One row per member: iso3, COW and G-W codes, abbreviations and names (G-W empty where
        the G-W list leaves a microstate out).
    """
    ir_dir = reference / "ir_datasets"
    cow = pd.read_parquet(ir_dir / "cow_states.parquet")
    cow = cow[cow["endyear"] == cow["endyear"].max()].drop_duplicates("ccode", keep="last")
    cow = cow.assign(ccode=cow["ccode"].astype(int))
    gw = pd.read_parquet(ir_dir / "gw_states.parquet")
    last = gw["enddate"].astype(str).max()
    gw = gw[gw["enddate"].astype(str) == last].drop_duplicates("gwcode", keep="last")
    gw = gw.assign(gwcode=gw["gwcode"].astype(int))
    cow_iso = set(COW_TO_ISO3.values())
    if len(cow_iso) != len(COW_TO_ISO3) or cow_iso != set(members):
        raise ValueError("COW_TO_ISO3 is not a one-to-one map onto the 193 members")
    missing_cow = sorted(set(COW_TO_ISO3) - set(cow["ccode"]))
    if missing_cow:
        raise ValueError(f"COW codes not current in cow_states: {missing_cow}")
    gw_iso = {
        code: GW_DIFFERENT.get(code, COW_TO_ISO3.get(code))
        for code in gw["gwcode"]
        if code in GW_DIFFERENT or (code in COW_TO_ISO3 and code not in (340, 678))
    }
    rows = []
    for ccode, iso3 in COW_TO_ISO3.items():
        c = cow[cow["ccode"] == ccode].iloc[0]
        gw_codes = [g for g, i in gw_iso.items() if i == iso3]
        row = {
            "iso3": iso3,
            "cow_code": ccode,
            "cow_abb": c["stateabb"],
            "cow_name": c["statenme"],
            "gw_code": gw_codes[0] if gw_codes else None,
            "gw_abb": None,
            "gw_name": None,
            "source": SRC_CODES,
        }
        if gw_codes:
            g = gw[gw["gwcode"] == gw_codes[0]].iloc[0]
            row["gw_abb"], row["gw_name"] = g["stateabb"], g["statename"]
        rows.append(row)
    table = pd.DataFrame(rows).sort_values("iso3").reset_index(drop=True)
    table["gw_code"] = table["gw_code"].astype("Int64")
    return table


def atop_ties(reference: Path, members: list[str]) -> pd.DataFrame:
    """Directed alliance pledges (defence, offence or consultation) in ATOP's last year.

    The ATOP dyad-year table is directed: each pair appears in both orders and the flags of the
    row (``ccode1``, ``ccode2``) are the obligations ``ccode1`` has towards ``ccode2`` (the US
    has a defence pledge to Japan, Japan none to the US). The direction is kept.

    Parameters
    ----------
    reference : Path
        The ``shared/reference`` folder; reads ``ir_datasets/atop_alliance.parquet``.
    members : list of str
        ISO3 codes of the 193 members (pledges between other states are dropped).

    Returns
    -------
    pandas.DataFrame
        One row per directed pledge: iso3 (the state that pledges), partner, the five ATOP flags
        of that direction in the last year, kind, reverse_kind (the partner's pledges back,
        empty if none), start (first year of the unbroken spell of a defence/offence/consultation
        pledge in this direction that runs to the last year), defense_start, end ("active"),
        date, source.
    """
    atop = pd.read_parquet(reference / "ir_datasets" / "atop_alliance.parquet")
    atop = atop.rename(columns={f"atop_{f}": f for f in ATOP_FLAGS})
    last = int(atop["year"].max())
    atop = atop.assign(
        iso3=atop["ccode1"].astype(int).map(COW_LINEAGE),
        partner=atop["ccode2"].astype(int).map(COW_LINEAGE),
        year=atop["year"].astype(int),
    ).dropna(subset=["iso3", "partner"])
    atop = atop[
        atop["iso3"].isin(members)
        & atop["partner"].isin(members)
        & (atop["iso3"] != atop["partner"])
    ]
    # max() merges the German Federal Republic (260) and Germany (255) in 1990.
    flags = atop.groupby(["iso3", "partner", "year"])[ATOP_FLAGS].max().astype(int)
    flags["tie"] = flags[TIE_FLAGS].max(axis=1)
    in_last = flags.xs(last, level="year")
    kinds = {
        pair: "+".join(f for f in ATOP_FLAGS if rec[f] == 1) for pair, rec in in_last.iterrows()
    }
    current = in_last[in_last["tie"] == 1]
    rows = []
    for (iso3, partner), rec in current.iterrows():
        years = flags.loc[(iso3, partner)]
        row = {"iso3": iso3, "partner": partner}
        row.update({f: int(rec[f]) for f in ATOP_FLAGS})
        row["kind"] = kinds[(iso3, partner)]
        row["reverse_kind"] = kinds.get((partner, iso3), "")
        row["start"] = spell_start(years["tie"], last)
        row["defense_start"] = spell_start(years["defense"], last) if rec["defense"] else None
        rows.append(row)
    table = pd.DataFrame(rows)
    table["defense_start"] = table["defense_start"].astype("Int64")
    table["end"] = "active"
    table["date"] = last
    table["source"] = SRC_ATOP
    return table.sort_values(["iso3", "partner"]).reset_index(drop=True)


def spell_start(series: pd.Series, last: int) -> int:
    """First year of the unbroken run of ones that ends in ``last``.

    Parameters
    ----------
    series : pandas.Series
        0/1 values indexed by year (years absent from the index count as 0).
    last : int
        The final year; ``series[last]`` must be 1.

    Returns
    -------
    int
        The first year of the run.
    """
    on = set(series.index[series.to_numpy() == 1].astype(int))
    if last not in on:
        raise ValueError("spell does not reach the last year")
    year = last
    while year - 1 in on:
        year -= 1
    return year


def tss_rivalries(reference: Path, members: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Strategic rivalries still active in the last year of the TSS data.

    Parameters
    ----------
    reference : Path
        The ``shared/reference`` folder; reads ``ir_datasets/tss_rivalries.parquet`` and
        ``td_rivalries.parquet``.
    members : list of str
        ISO3 codes of the 193 members (rivalries with another party are returned as dropped).

    Returns
    -------
    rivalries : pandas.DataFrame
        Both directions of each rivalry between two members.
    dropped : pandas.DataFrame
        Active rivalries left out because a party is not a UN member.
    """
    ir_dir = reference / "ir_datasets"
    tss = pd.read_parquet(ir_dir / "tss_rivalries.parquet")
    tss["note"] = ""
    for (rid, col, wrong), right in TSS_FIXES.items():
        hit = (tss["tssr_id"] == rid) & (tss[col] == wrong)
        tss.loc[hit, col] = right
        tss.loc[hit, "note"] = f"{col} corrected from COW {wrong} to {right} (name; T&D coding)"
    last = int(tss["end"].max())
    active = tss[tss["end"] == last].copy()
    active["a"] = active["ccode1"].astype(int).map(COW_TO_ISO3)
    active["b"] = active["ccode2"].astype(int).map(COW_TO_ISO3)
    keep = active["a"].notna() & active["b"].notna()
    dropped = active.loc[~keep, ["tssr_id", "rivalry", "ccode1", "ccode2", "start", "end"]]
    active = active[keep]
    td = pd.read_parquet(ir_dir / "td_rivalries.parquet")
    td_last = int(td["endyear"].max())
    td_pairs = {
        frozenset((COW_TO_ISO3.get(int(r.ccode1)), COW_TO_ISO3.get(int(r.ccode2))))
        for r in td[td["endyear"] == td_last].itertuples()
    }
    rows = []
    for r in active.sort_values("tssr_id").itertuples():
        a, b = sorted((str(r.a), str(r.b)))
        types = {t: int(getattr(r, t) == 1) for t in TSS_TYPES}
        rows.append(
            {
                "iso3": a,
                "partner": b,
                "tssr_id": int(r.tssr_id),
                "rivalry": r.rivalry,
                "type": ";".join(t for t in TSS_TYPES if types[t]),
                **types,
                "start": int(r.start),
                "end": "active",
                "date": last,
                f"in_td_{td_last}": frozenset((a, b)) in td_pairs,
                "note": r.note,
                "source": SRC_TSS,
            }
        )
    table = both_directions(pd.DataFrame(rows))
    return table.sort_values(["iso3", "partner", "tssr_id"]).reset_index(drop=True), dropped


def igo_joint(reference: Path, members: list[str]) -> pd.DataFrame:
    """Joint IGO memberships of each member with RUS, USA and CHN in the last COW IGO year.

    Parameters
    ----------
    reference : Path
        The ``shared/reference`` folder; reads ``ir_datasets/cow_igo_ndy.parquet``.
    members : list of str
        ISO3 codes of the 193 members (the rows of the table).

    Returns
    -------
    pandas.DataFrame
        One row per member: igo_rus, igo_usa, igo_chn (counts; empty for the pole itself),
        igo_mean (mean over all other members), partners (members it has a dyad row with), date
        (year), source.
    """
    igo = pd.read_parquet(reference / "ir_datasets" / "cow_igo_ndy.parquet")
    last = int(igo["year"].max())
    igo = igo[igo["year"] == last]
    igo = igo.assign(
        a=igo["ccode1"].astype(int).map(COW_TO_ISO3), b=igo["ccode2"].astype(int).map(COW_TO_ISO3)
    ).dropna(subset=["a", "b"])
    dyads = both_directions(igo[["a", "b", "dyadigos"]], "a", "b")
    if dyads.duplicated(["a", "b"]).any():
        raise ValueError("duplicate IGO dyads")
    wide = dyads.pivot(index="a", columns="b", values="dyadigos").reindex(
        index=members, columns=members
    )
    table = pd.DataFrame({"iso3": members})
    for key, pole in (("rus", "RUS"), ("usa", "USA"), ("chn", "CHN")):
        table[f"igo_{key}"] = wide[pole].to_numpy()
    values = wide.to_numpy(dtype=float, copy=True)
    np.fill_diagonal(values, np.nan)
    table["igo_mean"] = np.nanmean(values, axis=1)
    table["partners"] = (~np.isnan(values)).sum(axis=1)
    for key in ("rus", "usa", "chn"):
        table[f"igo_{key}"] = table[f"igo_{key}"].astype("Int64")
    table["date"] = last
    table["source"] = SRC_IGO
    return table.sort_values("iso3").reset_index(drop=True)


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, build the four tables and write them.

    Parameters
    ----------
    argv : list of str, optional
        ``--reference`` and ``--out-dir`` (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        0; the four tables are written to ``--out-dir``.
    """
    args = reference_parser(__doc__ or "", "--out-dir", DERIVED).parse_args(argv)
    members = member_codes(args.reference)
    codes = state_codes(args.reference, members)
    write_csv(codes, args.out_dir / "state_codes.csv")
    no_gw = codes.loc[codes["gw_code"].isna(), "iso3"].tolist()
    print(f"members without a G-W code ({len(no_gw)}): {' '.join(no_gw)}")
    ties = atop_ties(args.reference, members)
    write_csv(ties, args.out_dir / "atop_ties_2018.csv")
    no_ties = sorted(set(members) - set(ties["iso3"]))
    print(f"members without an ATOP defence/consultation tie ({len(no_ties)}): {' '.join(no_ties)}")
    rivalries, dropped = tss_rivalries(args.reference, members)
    write_csv(rivalries, args.out_dir / "tss_rivalries_2020.csv")
    for r in dropped.itertuples():
        print(f"active rivalry left out (non-member party): {r.tssr_id} {r.rivalry}")
    igo = igo_joint(args.reference, members)
    write_csv(igo, args.out_dir / "igo_joint_2014.csv")
    return 0


if __name__ == "__main__":
    sys.exit(main())
