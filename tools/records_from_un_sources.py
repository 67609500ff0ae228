r"""Cross-check UNGA roll calls on Ukraine across public sources and write the verified ones.

The roll calls after 2019 are not in ``unvotes``.  This script reads per-country votes from
up to three independent compilations, compares them member by member, and writes a record
file (same format as ``records_from_unvotes.py``) only when at least two independent sources
list all 193 members, agree on every vote and match the officially recorded tally.  Where only
one complete list exists (DGACM, for the 2022 emergency-session votes), it writes the record
only if every member's vote is also confirmed by the partial lists of other public sources
transcribed in ``SECOND_SOURCES`` (one category may be confirmed as the remainder, see
``COMPLEMENT``); otherwise it prints the members still unconfirmed.  With
``--official-record SYMBOL`` (repeatable) it also writes that roll call from DGACM's list
alone, as the UN's own record of the vote (the plenary record A/.../PV.x), when (1) its counts
equal the official tally and (2) no other source contradicts it on any member (no other
complete list differs, no partial list puts a member in another category); it prints the
members that no second source confirms, to be listed with the record.  It never writes
anything dated 2023 or later.  It also re-checks the record files already written from
``unvotes`` and from the shipped ES-11/1 file against the same sources.

Sources (none is fetched by this script; give local copies on the command line):

``--undl``
    A wide CSV scraped from the UN Digital Library voting records (Dag Hammarskjold Library),
    one row per resolution, one column per member state, votes Y/N/A/X (X = non-voting), as
    in ``data/raw/downloads/UN DATA.csv.zip`` of github.com/navyanawal0310/
    un-votes-intelligence-platform.  Covers 1946-2021.
``--undl-bulk``
    The UN Digital Library's own bulk file ``*_ga_voting.csv`` (record 4060887, long
    format, 1946 to date).  Not available to this session; with it, the ES-11 records below
    can be checked and written.
``--unxml``
    The ``data_extract/`` folder of github.com/UNxml/GAresolutions: the UN Department for
    General Assembly and Conference Management's machine-readable resolutions, one JSON file
    per session, listing the members in favour, against and abstaining.
``--voeten``
    Erik Voeten's UNGA votes (2021 release, sessions 1-75) as re-published per country by
    github.com/un-project/un-votes: ``data/369.csv`` (Ukraine's file, pairwise agreement
    codes) and ``data/countries.csv``.  Decoded against Ukraine's own "yes" vote.

Example
-------
From the repository root::

    python tools/records_from_un_sources.py --shared ../shared --out scenarios/records \\
        --undl "/tmp/undata/UN DATA.csv" --unxml /tmp/unxml \\
        --voeten /tmp/voeten/369.csv /tmp/voeten/countries.csv \\
        --official-record A/RES/ES-11/2 --official-record A/RES/ES-11/3 \\
        --official-record A/RES/ES-11/5
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pycountry
from _shared import records_parser
from records_from_unvotes import (
    ES11_1,
    FIELDS,
    UNVOTES_RESOLUTIONS,
    Resolution,
    load_members,
    write_record,
)

Votes = dict[str, str]

LAST_DATE = "2022-12-31"

TARGETS = (
    Resolution(
        "A/RES/75/192",
        "2020-12-16",
        "Situation of human rights in the Autonomous Republic of Crimea and the city of "
        "Sevastopol, Ukraine",
        (64, 23, 86, 20),
    ),
    Resolution(
        "A/RES/76/179",
        "2021-12-16",
        "Situation of human rights in the temporarily occupied Autonomous Republic of Crimea "
        "and the city of Sevastopol, Ukraine",
        (65, 25, 85, 18),
    ),
    Resolution(
        "A/RES/ES-11/2",
        "2022-03-24",
        "Humanitarian consequences of the aggression against Ukraine",
        (140, 5, 38, 10),
    ),
    Resolution(
        "A/RES/ES-11/3",
        "2022-04-07",
        "Suspension of the rights of membership of the Russian Federation in the Human Rights "
        "Council",
        (93, 24, 58, 18),
    ),
    Resolution(
        "A/RES/ES-11/4",
        "2022-10-12",
        "Territorial integrity of Ukraine: defending the principles of the Charter of the "
        "United Nations",
        (143, 5, 35, 10),
    ),
    Resolution(
        "A/RES/ES-11/5",
        "2022-11-14",
        "Furtherance of remedy and reparation for aggression against Ukraine",
        (94, 14, 73, 12),
    ),
)


@dataclass(frozen=True)
class PartialList:
    """Part of a roll call as printed by one public source other than the UN's own lists.

    Attributes
    ----------
    vote : str
        The category the source puts these members in (yes, no, abstain or absent).
    members : str
        ISO3 codes, space-separated, of the members the source names in that category (the
        source's own spellings are given in ``scenarios/records/SOURCES.md``).
    source : str
        Short citation: publisher, date and address.
    """

    vote: str
    members: str
    source: str

    @property
    def codes(self) -> list[str]:
        """Return the ISO3 codes as a list."""
        return self.members.split()


RIA_ES11_4 = (
    "RIA Novosti via infopro54.ru, 13 Oct 2022, "
    "infopro54.ru/news/kakie-strany-vozderzhalis-ot-golosovaniya-v-oon/"
)
PCI_ES11_4 = (
    "Presse Cote d'Ivoire, 12 Oct 2022, pressecotedivoire.ci/article/14881-onu-le-mali-et-18-"
    "pays-africains-sabstiennent-de-voter-une-resolution-condamnant-les-annexions-de-"
    "territoires-de-lukraine-par-la-russie (same lists: guinee28.info, Oct 2022)"
)

SPAM_ES11_3 = (
    "spamchronicles.com, Apr 2022 (undated copy; it reports the vote of 7 Apr 2022), "
    "spamchronicles.com/the-un-general-assembly-suspends-russia-from-the-human-rights-council"
)

WIKI_ES11_5 = (
    "Wikipedia, 'United Nations General Assembly Resolution ES-11/5', vote table, as mirrored at "
    "hessslslslsls.azureedge.net/wiki/Resolution_ES-11/5 (same table: kampuspedia.com, fr)"
)
AJ_ES11_5 = (
    "Al Jazeera, 'UN calls for Russia to pay reparations. How did countries vote?', Nov 2022, "
    "as mirrored at inkl.com/news/un-calls-for-russia-to-pay-reparations-how-did-countries-vote "
    "and ladokopintan.blogspot.com/2022/11/un-calls-for-russia-to-pay-reparations.html"
)

# Second sources for roll calls that have only one complete per-country list (DGACM).  Each
# member's category in the complete list must be confirmed by at least one entry here; a
# member named by an entry in another category fails the check.  ``COMPLEMENT`` names the one
# category that may instead be confirmed as the remainder: only when every member outside it
# is confirmed and the complete list matches the official tally.
SECOND_SOURCES: dict[str, tuple[PartialList, ...]] = {
    "A/RES/ES-11/4": (
        PartialList(
            "no",
            "BLR NIC PRK RUS SYR",
            "The Hill, 12 Oct 2022, thehill.com/policy/international/3685791",
        ),
        PartialList("no", "BLR NIC PRK RUS SYR", RIA_ES11_4),
        # 34 of the 35 names RIA gives; its "Korolevstvo Severny Sudan" (sic), listed next to
        # Sudan, is not counted: South Sudan is confirmed by the African list below.
        PartialList(
            "abstain",
            "CHN IND DZA ARM KAZ KGZ TJK UZB BOL CUB MNG THA LAO ZAF CAF COG BDI ERI SWZ ETH "
            "GIN HND LSO MLI MOZ NAM PAK LKA SDN TGO UGA TZA VNM ZWE",
            RIA_ES11_4,
        ),
        PartialList(
            "abstain",
            "ZAF DZA BDI ZWE TZA UGA TGO SDN SSD NAM MOZ MLI LSO GIN ERI ETH SWZ COG CAF",
            PCI_ES11_4,
        ),
        PartialList(
            "abstain",
            "CHN IND PAK ZAF DZA ARM BOL BDI CAF COG CUB ERI SWZ ETH GIN HND KAZ KGZ LAO LSO MLI "
            "MNG MOZ NAM SSD LKA SDN TJK THA TGO UGA TZA UZB VNM ZWE",
            "Glavkom, 12 Oct 2022, glavcom.ua/world/world-politics/"
            "promoviste-holosuvannja-jak-rozpodililisja-holosi-za-antirosijsku-rezoljutsiju-oon-881756.html",
        ),
        PartialList(
            "abstain",
            "DZA ARM BOL BDI CAF CHN COG CUB ERI SWZ ETH GIN HND IND KAZ KGZ LAO LSO MLI MNG MOZ "
            "NAM PAK ZAF SSD LKA SDN TJK THA TGO UGA TZA UZB VNM ZWE",
            "Interfax-Ukraine, 13 Oct 2022, en.interfax.com.ua/news/general/865264.html",
        ),
        PartialList("absent", "BFA CMR GNQ DJI STP", PCI_ES11_4),
        PartialList(
            "absent",
            "AZE IRN TKM VEN",
            "EADaily, 13 Oct 2022, eadaily.com/ru/ampnews/2022/10/13/"
            "antirossiyskoe-edinoglasie-v-oon-sorvano-erevan-vozderzhalsya-baku-uklonilsya",
        ),
        PartialList(
            "absent",
            "SLV AZE BFA GNQ IRN CMR TKM",
            "EFE via Diario Co Latino, Oct 2022, "
            "diariolatino.net/el-salvador-a-favor-de-la-invasion-rusa-a-ucrania/",
        ),
    ),
    # Incomplete: the script reports the members still unconfirmed and writes nothing.
    "A/RES/ES-11/5": (
        PartialList(
            "yes",
            "AFG ALB AND ARG AUS AUT BEL BEN BIH BGR CAN CPV TCD CHL COL COM CRI CIV HRV CYP CZE "
            "DNK DJI DOM ECU EST FJI FIN FRA GEO DEU GHA GRC GTM HUN ISL IRL ITA JPN KEN KIR KWT "
            "LVA LBR LIE LTU LUX MWI MDV MLT MHL MEX FSM MDA MCO MNE MMR NRU NLD NZL NER MKD NOR "
            "PLW PAN PNG PRY PER PHL POL PRT QAT KOR ROU WSM SMR SYC SGP SVK SVN SLB SOM ESP SWE "
            "CHE TGO TUR TUV UKR GBR USA URY VUT ZMB",
            WIKI_ES11_5,
        ),
        PartialList("no", "BHS BLR CAF CHN CUB PRK ERI ETH IRN MLI NIC RUS SYR ZWE", WIKI_ES11_5),
        PartialList("no", "BHS BLR CAF CHN CUB PRK ERI ETH IRN MLI NIC RUS SYR ZWE", AJ_ES11_5),
        # Al Jazeera's abstention list, A to P (the stored copies stop at "R: Rwan...").
        PartialList(
            "abstain",
            "DZA AGO ATG ARM BHR BGD BRB BLZ BTN BOL BWA BRA BRN BDI KHM COG EGY SLV GNQ SWZ GAB "
            "GMB GRD GIN GNB GUY HTI HND IND IDN IRQ ISR JAM JOR KAZ KGZ LAO LBN LSO LBY MDG MYS "
            "MRT MUS MNG MOZ NAM NPL NGA OMN PAK",
            AJ_ES11_5,
        ),
        PartialList(
            "abstain",
            "THA BRN KHM IDN LAO MYS VNM",
            "Inquirer (Bangkok Post), Nov 2022, newsinfo.inquirer.net/1694174",
        ),
        PartialList(
            "abstain",
            "ARM KAZ KGZ TJK UZB",
            "Vzglyad, 15 Nov 2022, vz.ru/news/2022/11/15/1186729.html",
        ),
        PartialList(
            "abstain",
            "ISR ARE BRA IND ZAF EGY SAU SRB KAZ",
            "TASS via infox.ru, Nov 2022, m.infox.ru/news/304/286734",
        ),
        PartialList(
            "abstain",
            "BGD IND BTN BRA EGY IDN ISR NPL PAK ZAF LKA",
            "Prothom Alo, Nov 2022, en.prothomalo.com/bangladesh/tdzzmfas5h",
        ),
        PartialList(
            "abstain",
            "SDN SSD",
            "Africa Presse, Nov 2022 ('les deux Soudans'), africapresse.com/"
            "lafrique-sabstient-massivement-lors-du-vote-a-lonu-sur-les-reparations-russes-a-lukraine",
        ),
        PartialList(
            "absent",
            "AZE",
            "RFE/RL Ekho Kavkaza, Nov 2022, ekhokavkaza.com/amp/"
            "genassambleya-oon-prizyvaet-rossiyu-vyplatitj-ukraine-reparatsii/32130630.html",
        ),
        PartialList(
            "absent",
            "MAR",
            "Morocco Latest News, Nov 2022, moroccolatestnews.com/2022/11/"
            "morocco-does-not-vote-for-resolution.html",
        ),
        PartialList(
            "absent",
            "TKM",
            "EADaily (Fergana), 15 Nov 2022, eadaily.com/ru/news/2022/11/15/"
            "strany-centralnoy-azii-vozderzhalis-pri-golosovanii-po-reparaciyam-v-polzu-ukrainy",
        ),
        PartialList(
            "absent",
            "SEN",
            "Les Echos via jotaay.net, Nov 2022, "
            "jotaay.net/Plan-Marshall-pour-l-Ukraine-le-Senegal-n-a-pas-participe-au-vote_a28845.html",
        ),
        PartialList(
            "absent",
            "COD",
            "Kinshasa Times, 15 Nov 2022, kt.cd/2022/11/15/"
            "pour-une-premiere-la-rdc-absent-au-vote-condamnant-laction-russe-en-ukraine/",
        ),
    ),
    "A/RES/ES-11/3": (
        PartialList(
            "no",
            "DZA BLR BOL BDI VNM GAB ZWE IRN KAZ KGZ CHN PRK CUB LAO MLI NIC COG RUS SYR TJK UZB "
            "CAF ERI ETH",
            "TASS, 7 Apr 2022, tass.com/world/1434427",
        ),
        # The first 64 of the 93 (alphabetical, Albania to Palau); the stored copy stops there.
        PartialList(
            "yes",
            "ALB AND ATG ARG AUS AUT BHS BEL BIH BGR CAN TCD CHL COL COM CRI CIV HRV CYP CZE COD "
            "DNK DMA DOM ECU EST FJI FIN FRA GEO DEU GRC GRD GTM HTI HND HUN ISL IRL ISR ITA JAM "
            "JPN KIR LVA LBR LBY LIE LTU LUX MWI MLT MHL MUS FSM MCO MNE MMR NRU NLD NZL MKD NOR "
            "PLW",
            "inews, 8 Apr 2022, inews.co.uk/news/world/"
            "un-human-rights-council-vote-results-countries-voted-against-abstained-russia-suspended-1563971",
        ),
        PartialList(
            "abstain",
            "GUY BRB BLZ KNA VCT TTO SUR",
            "Stabroek News, 8 Apr 2022, stabroeknews.com/2022/04/08/news/guyana/"
            "caricom-splits-down-the-middle-on-un-vote-to-suspend-russia-from-rights-council/",
        ),
        PartialList(
            "abstain",
            "BGD BTN IND PAK LKA NPL MDV",
            "Great Bengal Today, Apr 2022, greatbengaltoday.com/"
            "un-suspends-russia-from-top-human-rights-body-bangladesh-abstains-from-vote",
        ),
        PartialList(
            "abstain",
            "SEN",
            "Seneweb, Apr 2022, seneweb.com/news/Diplomatie/"
            "nouvelle-resolution-de-l-assemblee-gener_n_375750.html",
        ),
        # Latin America only as named: its "the rest of the region supported" is not used (it
        # is unclear whether the Caribbean is included, where 7 CARICOM members abstained).
        PartialList("no", "BOL CUB NIC", SPAM_ES11_3),
        PartialList("abstain", "BRA SLV MEX", SPAM_ES11_3),
        PartialList("absent", "VEN", SPAM_ES11_3),
    ),
    "A/RES/ES-11/2": (
        PartialList(
            "no",
            "RUS SYR PRK ERI BLR",
            "Reuters via National Post, 24 Mar 2022, nationalpost.com/pmn/news-pmn/"
            "u-n-general-assembly-adopts-ukraine-aid-resolution-criticizes-russia",
        ),
        PartialList(
            "abstain",
            "CHN CUB ARM CAF IND IRN KAZ KGZ TJK PAK ZAF",
            "Interfax via pum24.ru, Mar 2022, pum24.ru/news/"
            "genassambleya-oon-prizvala-k-nemedlennomu-prekrascheniyu-ognya-na-territorii-ukrainy",
        ),
        PartialList(
            "abstain",
            "CHN BOL CUB SLV NIC IRN",
            "El Salvador Now, 25 Mar 2022, elsalvadornow.org/2022/03/25/"
            "bukeles-government-abstains-once-again-from-un-vote-for-immediate-stop-of-russian-"
            "attacks-on-ukraine-gobierno-de-bukele-vuelve-a-abstenerse-de-votar-en-la-onu-por-el/",
        ),
        PartialList(
            "yes",
            "TTO",
            "Newsday (Trinidad and Tobago), 8 Apr 2022, newsday.co.tt/2022/04/08/"
            "tt-supports-2-un-resolutions-against-russia-but-abstains-from-suspension-vote/",
        ),
        # nra.lv names ten absent states; the stored copy stops after the seventh ("Somali...").
        PartialList(
            "absent",
            "AZE BFA CMR COM DMA GIN MAR",
            "Neatkariga Rita Avize (nra.lv), Apr 2022, nra.lv/opinions/378062",
        ),
    ),
}
COMPLEMENT: dict[str, str] = {"A/RES/ES-11/4": "yes"}


# Member-state names as the UN Digital Library and DGACM write them, after accent stripping
# and upper-casing, that pycountry does not resolve (or resolves ambiguously).
UN_NAMES = {
    "BOLIVIA (PLURINATIONAL STATE OF)": "BOL",
    "BOLIVIA": "BOL",
    "CONGO": "COG",
    "DEMOCRATIC REPUBLIC OF THE CONGO": "COD",
    "COTE D'IVOIRE": "CIV",
    "DEMOCRATIC PEOPLE'S REPUBLIC OF KOREA": "PRK",
    "REPUBLIC OF KOREA": "KOR",
    "IRAN (ISLAMIC REPUBLIC OF)": "IRN",
    "LAO PEOPLE'S DEMOCRATIC REPUBLIC": "LAO",
    "MICRONESIA (FEDERATED STATES OF)": "FSM",
    "REPUBLIC OF MOLDOVA": "MDA",
    "RUSSIAN FEDERATION": "RUS",
    "SYRIAN ARAB REPUBLIC": "SYR",
    "UNITED REPUBLIC OF TANZANIA": "TZA",
    "VENEZUELA (BOLIVARIAN REPUBLIC OF)": "VEN",
    "VENEZUELA": "VEN",
    "VIET NAM": "VNM",
    "UNITED KINGDOM": "GBR",
    "UNITED STATES": "USA",
    "TURKEY": "TUR",
    "TURKIYE": "TUR",
    "CABO VERDE": "CPV",
    "CAPE VERDE": "CPV",
    "ESWATINI": "SWZ",
    "SWAZILAND": "SWZ",
    "NORTH MACEDONIA": "MKD",
    "THE FORMER YUGOSLAV REPUBLIC OF MACEDONIA": "MKD",
    "CZECHIA": "CZE",
    "CZECH REPUBLIC": "CZE",
    "BRUNEI DARUSSALAM": "BRN",
    "SAINT KITTS AND NEVIS": "KNA",
    "SAINT LUCIA": "LCA",
    "SAINT VINCENT AND THE GRENADINES": "VCT",
    "SAO TOME AND PRINCIPE": "STP",
    "GAMBIA": "GMB",
    "BAHAMAS": "BHS",
    "LIBYA": "LBY",
    "NETHERLANDS": "NLD",
    "NETHERLANDS (KINGDOM OF THE)": "NLD",
    "SOUTH SUDAN": "SSD",
    "TIMOR-LESTE": "TLS",
}

UN_CODES = {"Y": "yes", "N": "no", "A": "abstain", "X": "absent"}


def un_name_to_iso3(name: str) -> str:
    """Map a UN member-state name (any case, with or without accents) to ISO3.

    Parameters
    ----------
    name : str
        E.g. ``"TÜRKİYE"``, ``"Côte d'Ivoire"`` or ``"VIET NAM"``.

    Returns
    -------
    str
        ISO 3166 alpha-3 code.

    Raises
    ------
    KeyError
        If the name cannot be resolved.
    """
    text = unicodedata.normalize("NFKD", name.replace("\u2019", "'"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    key = re.sub(r"\s+", " ", text).strip().upper()
    if key in UN_NAMES:
        return UN_NAMES[key]
    try:
        return str(pycountry.countries.lookup(key).alpha_3)
    except LookupError as err:
        raise KeyError(f"no ISO3 code for UN name {name!r}") from err


def complete(votes: Votes, members: pd.DataFrame) -> Votes:
    """Return the votes of all members, ``absent`` where a source lists none.

    Parameters
    ----------
    votes : dict of str to str
        ISO3 to vote, as read from one source.
    members : pandas.DataFrame
        Output of ``load_members``.

    Returns
    -------
    dict of str to str
        One entry per member.
    """
    unknown = sorted(set(votes) - set(members["iso3"]))
    if unknown:
        raise ValueError(f"votes of non-members {unknown}")
    return {iso3: votes.get(iso3, "absent") for iso3 in members["iso3"]}


def read_undl_wide(path: Path, symbols: set[str], members: pd.DataFrame) -> dict[str, Votes]:
    """Read the UN Digital Library wide CSV (one column per member state).

    Parameters
    ----------
    path : Path
        The CSV (columns ``Council, Date, Title, Resolution, ..., token`` then member names).
    symbols : set of str
        Resolution symbols wanted, matched against the ``Resolution`` column.
    members : pandas.DataFrame
        Output of ``load_members``, whose columns are read.

    Returns
    -------
    dict of str to Votes
        Symbol to complete votes; a member whose cell is empty or ``X`` is ``absent``.
        The per-row totals in the file are checked against the votes.
    """
    table = pd.read_csv(path, keep_default_na=False, dtype=str)
    first = list(table.columns).index("token") + 1
    states = list(table.columns[first:])
    out: dict[str, Votes] = {}
    for _, row in table[table["Resolution"].isin(symbols)].iterrows():
        votes: Votes = {}
        for state in states:
            if row[state]:
                iso3 = un_name_to_iso3(state)
                if iso3 in votes:
                    raise ValueError(f"{row['Resolution']}: two columns for {iso3}")
                votes[iso3] = UN_CODES[row[state]]
        counts = Counter(votes.values())
        # In this file "ABSENT COUNT" holds abstentions and "NO-VOTE COUNT" non-voting members.
        stated = (row["YES COUNT"], row["NO COUNT"], row["ABSENT COUNT"], row["NO-VOTE COUNT"])
        found = (counts["yes"], counts["no"], counts["abstain"], counts["absent"])
        if tuple(int(x) for x in stated) != found:
            raise ValueError(f"{row['Resolution']}: totals {stated} but votes {found}")
        out[str(row["Resolution"])] = complete(votes, members)
    return out


def read_undl_bulk(path: Path, symbols: set[str], members: pd.DataFrame) -> dict[str, Votes]:
    """Read the UN Digital Library's own bulk voting file (long format).

    This is ``*_ga_voting.csv`` of https://digitallibrary.un.org/record/4060887 (columns
    ``undl_id, ms_code, ms_name, ms_vote, date, session, resolution, ...``; ``ms_vote`` is
    Y, N, A, or X / NV / empty for non-voting).

    Parameters
    ----------
    path : Path
        The CSV.
    symbols : set of str
        Resolution symbols wanted, matched against the ``resolution`` column.
    members : pandas.DataFrame
        Output of ``load_members``, whose ``ms_code`` values are kept.

    Returns
    -------
    dict of str to Votes
        Symbol to complete votes.
    """
    usecols = ["ms_code", "ms_vote", "resolution"]
    table = pd.read_csv(path, usecols=usecols, dtype=str, keep_default_na=False)
    table = table[table["resolution"].isin(symbols)]
    codes = {"Y": "yes", "N": "no", "A": "abstain", "X": "absent", "NV": "absent", "": "absent"}
    out: dict[str, Votes] = {}
    for symbol, rows in table.groupby("resolution"):
        votes: Votes = {}
        for code, vote in zip(rows["ms_code"], rows["ms_vote"].str.strip(), strict=True):
            if code in votes:
                raise ValueError(f"{symbol}: two rows for {code}")
            votes[str(code)] = codes[vote]
        out[str(symbol)] = complete(votes, members)
    return out


def read_unxml(folder: Path, symbols: set[str], members: pd.DataFrame) -> dict[str, Votes]:
    """Read DGACM's machine-readable resolution extracts (``data_extract/*.json``).

    Parameters
    ----------
    folder : Path
        Folder holding the session files (``74.json``, ``ES-11.json``, ...).
    symbols : set of str
        Resolution symbols wanted, matched against each entry's ``symbol``.
    members : pandas.DataFrame
        Output of ``load_members``, to which unlisted members are added as absent.

    Returns
    -------
    dict of str to Votes
        Symbol to complete votes; members in none of the three lists are ``absent``.
        The stated counts are checked against the list lengths.
    """
    out: dict[str, Votes] = {}
    for path in sorted(folder.glob("*.json")):
        text = path.read_text(encoding="utf-8").strip()
        entries = (
            json.loads(text)
            if text.startswith("[")
            else [json.loads(line) for line in text.splitlines() if line.strip()]
        )
        for entry in entries:
            symbol = str(entry.get("symbol", "")).strip()
            if symbol not in symbols:
                continue
            votes: Votes = {}
            for key, vote in (
                ("MS_in_favour", "yes"),
                ("MS_against", "no"),
                ("MS_abstaining", "abstain"),
            ):
                names = entry.get(key) or []
                if int(entry[f"{key}_count"]) != len(names):
                    raise ValueError(f"{symbol}: {key}_count does not match its list")
                for name in names:
                    iso3 = un_name_to_iso3(name)
                    if iso3 in votes:
                        raise ValueError(f"{symbol}: {iso3} listed twice")
                    votes[iso3] = vote
            out[symbol] = complete(votes, members)
    return out


def read_voeten_pairwise(
    country_file: Path, countries_csv: Path, symbols: set[str], members: pd.DataFrame
) -> dict[str, Votes]:
    """Decode Voeten's votes from un-project's per-country agreement file.

    The file of country *c* holds, per roll call, a code for every other country *d*:
    2 = same vote as *c*, -1 = one of the two abstained, -2 = opposite votes, empty = *d*
    absent or not a member; *c*'s own column keeps Voeten's raw code (1 = yes).  Only roll
    calls on which *c* itself voted yes are decoded (2 -> yes, -1 -> abstain, -2 -> no).

    Parameters
    ----------
    country_file : Path
        E.g. ``data/369.csv`` (Ukraine).
    countries_csv : Path
        ``data/countries.csv`` (``ccode,Country,Countryname``; ``Country`` is ISO3-like).
    symbols : set of str
        Resolution symbols wanted (``unres`` column).
    members : pandas.DataFrame
        Output of ``load_members``, to which decoded votes are restricted.

    Returns
    -------
    dict of str to Votes
        Symbol to complete votes.
    """
    codes = pd.read_csv(countries_csv, dtype=str, keep_default_na=False)
    iso_by_ccode = dict(zip(codes["ccode"], codes["Country"], strict=True))
    owner = iso_by_ccode[country_file.stem]
    table = pd.read_csv(country_file, dtype=str, keep_default_na=False)
    decode = {"2": "yes", "-1": "abstain", "-2": "no"}
    out: dict[str, Votes] = {}
    # Voeten writes older symbols as "R/68/262", later ones as "A/RES/74/168".
    table["unres"] = table["unres"].str.strip().str.replace(r"^R/", "A/RES/", regex=True)
    for _, row in table[table["unres"].isin(symbols)].iterrows():
        if row[country_file.stem] != "1":
            raise ValueError(f"{row['unres']}: owner {owner} did not vote; cannot decode")
        votes = {
            iso_by_ccode[c]: "yes" if c == country_file.stem else decode[row[c]]
            for c in iso_by_ccode
            if row.get(c, "")
        }
        votes = {iso3: vote for iso3, vote in votes.items() if iso3 in set(members["iso3"])}
        stated = (row["yes"], row["no"], row["abstain"])
        counts = Counter(votes.values())
        if tuple(int(x) for x in stated) != (counts["yes"], counts["no"], counts["abstain"]):
            print(f"warning: Voeten {row['unres']}: stated totals {stated}, decoded {dict(counts)}")
        out[str(row["unres"])] = complete(votes, members)
    return out


def read_record(path: Path) -> Votes:
    """Read the votes of an existing record file.

    Parameters
    ----------
    path : Path
        A record CSV (columns ``FIELDS``).

    Returns
    -------
    dict of str to str
        ISO3 to vote.
    """
    record = pd.read_csv(path, keep_default_na=False, dtype=str)
    return dict(zip(record["iso3"], record["vote"], strict=True))


def tally(votes: Votes) -> tuple[int, int, int, int]:
    """Count yes, no, abstain and absent.

    Parameters
    ----------
    votes : dict of str to str
        ISO3 to vote.

    Returns
    -------
    tuple of int
        (yes, no, abstain, absent).
    """
    counts = Counter(votes.values())
    return (counts["yes"], counts["no"], counts["abstain"], counts["absent"])


def differences(a: Votes, b: Votes) -> list[str]:
    """List the members on which two complete vote sets differ.

    Parameters
    ----------
    a, b : dict of str to str
        ISO3 to vote.

    Returns
    -------
    list of str
        ``ISO3 a-vote/b-vote`` for each difference.
    """
    return [f"{k} {a[k]}/{b[k]}" for k in sorted(a) if a[k] != b.get(k)]


def second_source_check(
    symbol: str, votes: Votes, official: tuple[int, int, int, int]
) -> tuple[dict[str, list[str]], list[str], list[str]]:
    """Confirm each member's vote in a complete list against ``SECOND_SOURCES``.

    Parameters
    ----------
    symbol : str
        Resolution symbol.
    votes : dict of str to str
        The complete list to be confirmed (all 193 members).
    official : tuple of int
        Official (yes, no, abstain, absent) tally.

    Returns
    -------
    confirmed : dict of str to list of str
        Member to the sources that confirm its vote (empty list: unconfirmed).
    conflicts : list of str
        A source puts a member in another category, or names a non-member.
    missing : list of str
        ``ISO3(vote)`` of each member no source confirms, sorted.  The record may be written
        from the partial lists only when both lists are empty; with ``--official-record``,
        when ``conflicts`` is empty.
    """
    confirmed: dict[str, list[str]] = {iso3: [] for iso3 in votes}
    conflicts: list[str] = []
    for part in SECOND_SOURCES.get(symbol, ()):
        if part.vote not in ("yes", "no", "abstain", "absent"):
            raise ValueError(f"{symbol}: bad category {part.vote!r}")
        for iso3 in part.codes:
            if iso3 not in votes:
                conflicts.append(f"{iso3} is not a member ({part.source})")
            elif votes[iso3] != part.vote:
                conflicts.append(f"{iso3}: {votes[iso3]} in the list, {part.vote} in {part.source}")
            else:
                confirmed[iso3].append(part.source)
    rest = COMPLEMENT.get(symbol)
    if rest is not None:
        others_done = all(confirmed[m] for m in votes if votes[m] != rest)
        if others_done and tally(votes) == official:
            for iso3 in votes:
                if votes[iso3] == rest and not confirmed[iso3]:
                    confirmed[iso3].append(f"remainder ({rest}): all other members confirmed")
    missing = [f"{m}({votes[m]})" for m in sorted(votes) if not confirmed[m]]
    return confirmed, conflicts, missing


def official_record_basis(
    resolution: Resolution, found: dict[str, Votes], agree: bool, conflicts: list[str]
) -> str:
    """Decide whether DGACM's list alone may be written (``--official-record``), and report.

    DGACM's list is the UN's own record of the vote (the plenary record A/.../PV.x).  It is
    written alone when (1) its counts equal the official tally and (2) no other source
    contradicts it on any member: every other complete list agrees with it and no partial
    list in ``SECOND_SOURCES`` puts a member in another category.  The members no second
    source confirms are printed, so that they can be listed with the record.

    Parameters
    ----------
    resolution : Resolution
        The roll call.
    found : dict of str to Votes
        Complete lists by source name.
    agree : bool
        Whether all complete lists agree member by member.
    conflicts : list of str
        Conflicts already found by ``second_source_check`` (empty if it was not run).

    Returns
    -------
    str
        The basis to print when the record may be written, else an empty string.
    """
    symbol = resolution.symbol
    dgacm = found.get("DGACM")
    if dgacm is None:
        print(f"{symbol:15} official record: no DGACM list given (--unxml)")
        return ""
    if tally(dgacm) != resolution.official:
        print(f"{symbol:15} official record: DGACM counts {tally(dgacm)} != official")
        return ""
    if not agree:
        print(f"{symbol:15} official record: another complete list contradicts DGACM")
        return ""
    _, conflicts_now, missing = second_source_check(symbol, dgacm, resolution.official)
    if conflicts or conflicts_now:
        print(f"{symbol:15} official record: a second source contradicts DGACM")
        return ""
    others = [name for name in found if name != "DGACM"]
    done = len(dgacm) - len(missing)
    print(
        f"{symbol:15} official record: DGACM = official tally, contradicted by no source; "
        f"{done} of {len(dgacm)} members confirmed by a second source, {len(missing)} not: "
        + (" ".join(missing) or "none")
    )
    return "DGACM alone (--official-record)" + (f", = {', '.join(others)}" if others else "")


def build_parser() -> argparse.ArgumentParser:
    """Return the command-line parser."""
    parser = records_parser(
        __doc__ or "",
        shared_help="shared/ folder",
        out_help="record folder",
        dry_run_help="compare only, write nothing",
    )
    parser.add_argument("--undl", type=Path, help="UN Digital Library wide CSV")
    parser.add_argument(
        "--undl-bulk", type=Path, help="UN Digital Library bulk *_ga_voting.csv (record 4060887)"
    )
    parser.add_argument("--unxml", type=Path, help="UNxml/GAresolutions data_extract/ folder")
    parser.add_argument(
        "--voeten",
        type=Path,
        nargs=2,
        metavar=("COUNTRY_CSV", "COUNTRIES_CSV"),
        help="un-project/un-votes data/369.csv and data/countries.csv",
    )
    parser.add_argument(
        "--official-record",
        action="append",
        default=[],
        metavar="SYMBOL",
        help=(
            "also write SYMBOL (e.g. A/RES/ES-11/2; may be repeated) from DGACM's list alone, "
            "the UN's record of the vote, when its counts equal the official tally and no "
            "other source contradicts it on any member; the members no second source "
            "confirms are printed"
        ),
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Compare the sources, report, and write the records that pass.

    Parameters
    ----------
    argv : list of str, optional
        ``--shared``, ``--out``, the source files, ``--official-record`` and ``--dry-run``
        (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        0 if no existing record disagrees with a UN source (UNDL, DGACM) and every
        ``--official-record`` roll call could be written, 1 otherwise.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    in_scope = {r.symbol for r in TARGETS if r.date <= LAST_DATE}
    for symbol in args.official_record:
        if symbol not in in_scope:
            parser.error(
                f"--official-record {symbol}: not one of {', '.join(sorted(in_scope))} "
                "(resolutions dated 2023 or later are out of scope)"
            )
    official_only = set(args.official_record)
    members = load_members(args.shared / "reference" / "un_members_2022.csv")
    existing = (*UNVOTES_RESOLUTIONS, ES11_1)
    symbols = {r.symbol for r in (*TARGETS, *existing)}
    sources: dict[str, dict[str, Votes]] = {}
    if args.undl:
        sources["UNDL"] = read_undl_wide(args.undl, symbols, members)
    if args.undl_bulk:
        bulk = read_undl_bulk(args.undl_bulk, symbols, members)
        for symbol, votes in bulk.items():
            sources.setdefault("UNDL", {}).setdefault(symbol, votes)
    if args.unxml:
        sources["DGACM"] = read_unxml(args.unxml, symbols, members)
    if args.voeten:
        country_file, countries_csv = args.voeten
        sources["Voeten"] = read_voeten_pairwise(country_file, countries_csv, symbols, members)

    ok = True
    print("== existing records against the sources ==")
    for resolution in existing:
        path = args.out / resolution.filename
        if not path.exists():
            print(f"{resolution.symbol:15} no record file at {path}")
            continue
        record = read_record(path)
        for name, found in sources.items():
            if resolution.symbol in found:
                diff = differences(record, found[resolution.symbol])
                # Voeten is the source of unvotes itself: a difference there is reported, and
                # only a difference from a UN compilation fails the run.
                ok = ok and (not diff or name == "Voeten")
                print(f"{resolution.symbol:15} vs {name:6}: {diff or 'agree'}")

    print("== new records ==")
    for resolution in TARGETS:
        if resolution.date > LAST_DATE:
            print(f"{resolution.symbol:15} dated {resolution.date}: out of scope")
            continue
        found = {n: s[resolution.symbol] for n, s in sources.items() if resolution.symbol in s}
        official = "{}-{}-{} ({})".format(*resolution.official)
        for name, votes in found.items():
            flag = "ok" if tally(votes) == resolution.official else "TALLY MISMATCH"
            print(f"{resolution.symbol:15} {name:6} {tally(votes)} official {official} {flag}")
        names = list(found)
        agree = True
        for i, a in enumerate(names):
            for b in names[i + 1 :]:
                diff = differences(found[a], found[b])
                agree = agree and not diff
                print(f"{resolution.symbol:15} {a} vs {b}: {diff or 'agree'}")
        passing = [n for n in names if tally(found[n]) == resolution.official]
        complete_ok = agree and len(passing) == len(names)
        basis = ""
        write_from = passing[0] if passing else ""
        conflicts: list[str] = []
        if complete_ok and len(passing) >= 2:
            basis = " = ".join(passing)
        elif complete_ok and passing and resolution.symbol in SECOND_SOURCES:
            # One complete list; every member must be confirmed by the partial second sources.
            confirmed, conflicts, missing = second_source_check(
                resolution.symbol, found[passing[0]], resolution.official
            )
            for problem in conflicts:
                print(f"{resolution.symbol:15} second sources: {problem}")
            if missing:
                print(
                    f"{resolution.symbol:15} second sources: {len(missing)} unconfirmed: "
                    + " ".join(missing)
                )
            if not conflicts and not missing:
                counts = Counter(len(v) for v in confirmed.values())
                print(
                    f"{resolution.symbol:15} second sources confirm all {len(confirmed)} members "
                    f"(members by number of confirming entries: {dict(sorted(counts.items()))})"
                )
                basis = f"{passing[0]} + {len(SECOND_SOURCES[resolution.symbol])} partial lists"
        if not basis and resolution.symbol in official_only:
            basis = official_record_basis(resolution, found, agree, conflicts)
            write_from = "DGACM"
            if not basis:
                ok = False
        if basis:
            if not args.dry_run:
                table = members[["iso3", "name"]].copy()
                table["vote"] = table["iso3"].map(found[write_from])
                table.insert(0, "date", resolution.date)
                table.insert(0, "resolution", resolution.symbol)
                write_record(table[list(FIELDS)], args.out, resolution)
            print(f"{resolution.symbol:15} WRITTEN from {basis}")
        else:
            print(
                f"{resolution.symbol:15} NOT WRITTEN: {len(passing)} complete source(s) "
                f"with the official tally ({', '.join(passing) or 'none'}), and no complete "
                "second-source confirmation"
            )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
