"""Memberships of the 193 UN members in selected organisations around 2022, from named sources.

The reference data shipped with the project (COW IGO v3, 1990-2014) holds only dyadic counts of
joint memberships, not the names of organisations, and ends in 2014. This script therefore keeps,
as data, the member lists that were read in stored copies of public web pages (organisations' own
pages, government pages, dated news reports, Wikipedia and copies of it), each with the page's
address and the date the page describes, and writes them as one table.

Rules followed when the lists were transcribed:

* only states named as members in a source are listed; nothing is inferred from a rule or from
  memory;
* where two sources disagree about a state, the state is left out and the disagreement is listed in
  ``EXCLUDED`` (and so in SOURCES.md);
* members that are not UN members (Palestine, the Sahrawi Arab Democratic Republic) are dropped;
* ``joined`` is filled only where a source gives the date (or year); otherwise it is empty.

Run from the repository root::

    python tools/memberships_2022.py

The output is deterministic: rows sorted by organisation and ISO3.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field

import pandas as pd
import pycountry
from _shared import DERIVED, member_codes, reference_parser, write_csv

DEFAULT_OUT = DERIVED / "memberships_2022.csv"
# The day the stored copies were read.
CHECKED = "2026-11-27"

# Names as the sources spell them that pycountry does not resolve by exact lookup.
ALIASES = {
    "Antigua & Barbuda": "ATG",
    "Brunei": "BRN",
    "Brunei-Darussalam": "BRN",
    "Burkina-Faso": "BFA",
    "Cape Verde": "CPV",
    "Cote D'ivoire": "CIV",
    "Czech Republic": "CZE",
    "Czechia": "CZE",
    "DR Congo": "COD",
    "Democratic Republic of the Congo": "COD",
    "Ivory Coast": "CIV",
    "Kyrgyz": "KGZ",
    "Kyrgyzstan": "KGZ",
    "Micronesia": "FSM",
    "Republic of the Congo": "COG",
    "Russia": "RUS",
    "St. Kitts and Nevis": "KNA",
    "St. Lucia": "LCA",
    "St. Vincent and the Grenadines": "VCT",
    "Swaziland": "SWZ",
    "São Tomé and Príncipe": "STP",
    "Turkey": "TUR",
    "UAE": "ARE",
    "United Arab Emirates": "ARE",
    "United Kingdom": "GBR",
    "United States": "USA",
    "Vietnam": "VNM",
}
NOT_UN_MEMBERS = {"Palestine", "State of Palestine", "Sahrawi Arab Democratic Republic"}


@dataclass(frozen=True)
class Source:
    """A stored public page a member list was read from.

    Attributes
    ----------
    url : str
        Address of the stored copy.
    title : str
        What the page is.
    as_of : str
        The date (or period) the page describes.
    """

    url: str
    title: str
    as_of: str


@dataclass
class MemberList:
    """One organisation's member list as read in one source.

    Attributes
    ----------
    organisation : str
        Short name of the organisation.
    source : Source
        Where the list was read.
    members : list of str
        Member names as the source spells them.
    joined : dict of str to str
        Date or year of joining by name, where the source (or ``joined_source``) gives it.
    joined_source : str
        Address of the page that gives the joining dates, when it is not ``source``.
    corroboration : str
        Other stored pages that name the same members, or an empty string.
    status : dict of str to str
        Status other than "member" by name (e.g. "suspended", "associate").
    note : dict of str to str
        Free-text note by name.
    """

    organisation: str
    source: Source
    members: list[str]
    joined: dict[str, str] = field(default_factory=dict)
    joined_source: str = ""
    corroboration: str = ""
    status: dict[str, str] = field(default_factory=dict)
    note: dict[str, str] = field(default_factory=dict)


def split_names(text: str) -> list[str]:
    """Split a ``;``-separated list of names.

    Parameters
    ----------
    text : str
        Names separated by semicolons.

    Returns
    -------
    list of str
        The stripped, non-empty names.
    """
    return [name.strip() for name in text.split(";") if name.strip()]


LISTS: list[MemberList] = [
    MemberList(
        organisation="BRICS",
        source=Source(
            "http://www.worldbulletin.net/haberler/204409/what-is-brics",
            "World Bulletin, 'What is BRICS?' (26 July 2018): five countries; South Africa "
            "invited in December 2010",
            "2018-07-26",
        ),
        members=["Brazil", "Russia", "India", "China", "South Africa"],
        joined={
            "Brazil": "2009-06-16",
            "Russia": "2009-06-16",
            "India": "2009-06-16",
            "China": "2009-06-16",
            "South Africa": "2010-12-24",
        },
        joined_source=(
            "BRIC members: first summit, Yekaterinburg 16 June 2009 "
            "(https://www.bricsbusinesscouncil.co.za/brics/); South Africa: group renamed BRICS "
            "on 24 December 2010 (https://www.gktoday.in/topics/new-development-bank/)"
        ),
        corroboration="https://www.bricsbusinesscouncil.co.za/brics/ (five members, as of 2015)",
    ),
    MemberList(
        organisation="EAEU",
        source=Source(
            "https://thailand.mid.ru/en/press-centre/news/about_eurasian_economic_union",
            "Embassy of the Russian Federation in Thailand, 'About Eurasian Economic Union'",
            "undated (treaty in force 1 Jan 2015; accessions of 2015)",
        ),
        members=["Belarus", "Kazakhstan", "Russia", "Armenia", "Kyrgyzstan"],
        joined={
            "Belarus": "2015-01-01",
            "Kazakhstan": "2015-01-01",
            "Russia": "2015-01-01",
            "Armenia": "2015-01-02",
            "Kyrgyzstan": "2015-08-06",
        },
        corroboration=(
            "https://wikimili.com/en/Member_states_of_the_Eurasian_Economic_Union "
            "(5 member states as of 2019)"
        ),
    ),
    MemberList(
        organisation="CSTO",
        source=Source(
            "https://iiab.me/kiwix/content/wikipedia_en_top_maxi_2022-11/A/"
            "Collective_Security_Treaty_Organisation",
            "Wikipedia, 'Collective Security Treaty Organization' (Kiwix snapshot of November "
            "2022): six member states",
            "2022-11",
        ),
        members=["Armenia", "Belarus", "Kazakhstan", "Kyrgyzstan", "Russia", "Tajikistan"],
        corroboration=(
            "https://wikimili.com/en/Collective_Security_Treaty_Organization (same six, "
            "formed 2002)"
        ),
        note={
            name: "treaty 15 May 1992, organisation 7 Oct 2002; per-state dates not in source"
            for name in ["Armenia", "Belarus", "Kazakhstan", "Kyrgyzstan", "Russia", "Tajikistan"]
        },
    ),
    MemberList(
        organisation="SCO",
        source=Source(
            "https://sputniknews.com/20211026/irans-accession-to-shanghai-bloc-to-begin-in-fall-"
            "2022-russian-envoy-says-1090227757.html",
            "Sputnik, 26 Oct 2021: SCO 'currently comprised of China, India, Kazakhstan, "
            "Kyrgyzstan, Pakistan, Russia, Tajikistan, and Uzbekistan, with Iran as an observer'",
            "2021-10-26",
        ),
        members=[
            "China",
            "India",
            "Kazakhstan",
            "Kyrgyzstan",
            "Pakistan",
            "Russia",
            "Tajikistan",
            "Uzbekistan",
        ],
        joined={
            "China": "2001-06-15",
            "Kazakhstan": "2001-06-15",
            "Kyrgyzstan": "2001-06-15",
            "Russia": "2001-06-15",
            "Tajikistan": "2001-06-15",
            "Uzbekistan": "2001-06-15",
            "India": "2017-06-09",
            "Pakistan": "2017-06-09",
        },
        joined_source=(
            "https://issi.org.pk/the-expanding-role-of-sco-strengthening-pakistans-regional-"
            "integration/ (founded 15 June 2001; India and Pakistan admitted 9 June 2017)"
        ),
        corroboration=(
            "https://gstimes.in/current-affairs/iran-joins-sco-as-india-hosts-summit "
            "(eight members before Iran joined on 4 July 2023)"
        ),
    ),
    MemberList(
        organisation="ALBA-TCP",
        source=Source(
            "http://fidelcastro.cu/it/node/101085?height=600&width=600",
            "XXII ALBA-TCP Summit, Havana (18th anniversary, i.e. 14 Dec 2022): 'made up of ten "
            "countries'",
            "2022-12-14",
        ),
        members=split_names(
            "Venezuela; Bolivia; Nicaragua; Dominica; Antigua and Barbuda; "
            "St. Vincent and the Grenadines; St. Lucia; St. Kitts and Nevis; Grenada; Cuba"
        ),
        joined={
            "Cuba": "2004-12-14",
            "Venezuela": "2004-12-14",
            "Bolivia": "2006-04-29",
            "Nicaragua": "2007-01",
            "Dominica": "2008-01",
            "St. Vincent and the Grenadines": "2009-04",
            "Grenada": "2014-12-14",
        },
        joined_source=(
            "Cuba/Venezuela: fidelcastro.cu (agreement of 14 Dec 2004); Bolivia, Nicaragua, "
            "Dominica, St Vincent: https://worddisk.com/wiki/"
            "Member_states_of_the_Bolivarian_Alliance_for_the_Americas; Grenada: "
            "https://www.albatcp.org/en/etiqueta/alba-tcp-en/page/11"
        ),
        corroboration=(
            "https://www.stvincenttimes.com/xxi-alba-tcp-summit-begins-in-havana-cuba/ "
            "(27 May 2022: the same nine plus host Cuba attend as members)"
        ),
        note={
            "Bolivia": "announced withdrawal Nov 2019 (es.paperblog.com); attended the May 2022 "
            "summit as a member (stvincenttimes.com, cubanews.acn.cu)"
        },
    ),
    MemberList(
        organisation="NATO",
        source=Source(
            "https://www.jagranjosh.com/general-knowledge/list-of-nato-member-states-1643364720-1",
            "Jagran Josh, 'List of NATO Member States' (28 Jan 2022): 30 countries by year of "
            "joining",
            "2022-01-28",
        ),
        members=split_names(
            "Belgium; Canada; Denmark; France; Iceland; Italy; Luxembourg; Netherlands; Norway; "
            "Portugal; United Kingdom; United States; Greece; Turkey; Germany; Spain; "
            "Czech Republic; Hungary; Poland; Bulgaria; Estonia; Latvia; Lithuania; Romania; "
            "Slovakia; Slovenia; Albania; Croatia; Montenegro; North Macedonia"
        ),
        joined={
            **{
                n: "1949"
                for n in split_names(
                    "Belgium; Canada; Denmark; France; Iceland; Italy; Luxembourg; Netherlands; "
                    "Norway; Portugal; United Kingdom; United States"
                )
            },
            "Greece": "1952",
            "Turkey": "1952",
            "Germany": "1955",
            "Spain": "1982",
            **{n: "1999" for n in ("Czech Republic", "Hungary", "Poland")},
            **{
                n: "2004"
                for n in split_names(
                    "Bulgaria; Estonia; Latvia; Lithuania; Romania; Slovakia; Slovenia"
                )
            },
            "Albania": "2009",
            "Croatia": "2009",
            "Montenegro": "2017",
            "North Macedonia": "2020-03-27",
        },
        joined_source=(
            "jagranjosh.com; North Macedonia's date: Boston Globe 27 Mar 2020 "
            "(https://www.bostonglobe.com/news/world/2020/03/27/macedonia-becomes-nato-member-"
            "ending-long-quest/3F4HRw9ZS6cjf75iIu0SzO/story.html)"
        ),
        corroboration="https://www.eata.ee/en/nato/nato-member-countries/ (same years; 2023 list)",
        note={"Germany": "West Germany at accession in 1955"},
    ),
    MemberList(
        organisation="EU",
        source=Source(
            "https://europa.eu/european-union/about-eu/countries_en?country=ES",
            "European Union, 'EU countries' (27 countries; UK left 31 Jan 2020; euro used by 19)",
            "2020-02/2022-12 (after Brexit, before Croatia's euro of 1 Jan 2023)",
        ),
        members=split_names(
            "Belgium; France; Germany; Italy; Luxembourg; Netherlands; Denmark; Ireland; Greece; "
            "Portugal; Spain; Austria; Finland; Sweden; Cyprus; Czechia; Estonia; Hungary; "
            "Latvia; Lithuania; Malta; Poland; Slovakia; Slovenia; Bulgaria; Romania; Croatia"
        ),
        joined={
            **{
                n: "1958-01-01"
                for n in split_names("Belgium; France; Germany; Italy; Luxembourg; Netherlands")
            },
            "Denmark": "1973-01-01",
            "Ireland": "1973-01-01",
            "Greece": "1981-01-01",
            "Portugal": "1986-01-01",
            "Spain": "1986-01-01",
            **{n: "1995-01-01" for n in ("Austria", "Finland", "Sweden")},
            **{
                n: "2004-05-01"
                for n in split_names(
                    "Cyprus; Czechia; Estonia; Hungary; Latvia; Lithuania; Malta; Poland; "
                    "Slovakia; Slovenia"
                )
            },
            "Bulgaria": "2007-01-01",
            "Romania": "2007-01-01",
            "Croatia": "2013-07-01",
        },
        corroboration="https://forschungsinformationssystem.de/servlet/is/450969 (EU-27, 2020)",
    ),
    MemberList(
        organisation="ASEAN",
        source=Source(
            "http://english.eastday.com/eastday/englishedition/node20665/node20668/node22810/"
            "node182073/node182074/userobject1ai2568521.html",
            "Eastday (Xinhua background): ASEAN groups ten countries, with years of joining",
            "undated (ten members; no later joiner before Timor-Leste in 2025)",
        ),
        members=split_names(
            "Indonesia; Malaysia; Philippines; Singapore; Thailand; Brunei; Vietnam; Laos; "
            "Myanmar; Cambodia"
        ),
        joined={
            **{
                n: "1967-08-08"
                for n in split_names("Indonesia; Malaysia; Philippines; Singapore; Thailand")
            },
            "Brunei": "1984-01-07",
            "Vietnam": "1995",
            "Laos": "1997-07-23",
            "Myanmar": "1997",
            "Cambodia": "1999-04-30",
        },
        joined_source=(
            "eastday (years); exact dates for founders, Brunei, Laos, Cambodia: "
            "http://hitchhikersgui.de/Member_states_of_the_Association_of_Southeast_Asian_Nations"
        ),
        corroboration=(
            "https://en.wikipedia.org/wiki/?oldid=1175628681&title=Member_states_of_ASEAN "
            "(10 member states)"
        ),
    ),
    MemberList(
        organisation="CIS",
        source=Source(
            "https://relief.unboundmedicine.com/relief/view/The-World-Factbook/563540/all/"
            "Commonwealth_of_Independent_States__CIS_",
            "CIA World Factbook, 'Commonwealth of Independent States': 9 members, 1 associate; "
            "Georgia left Aug 2009; Ukraine ended participation May 2018",
            "after May 2018",
        ),
        members=split_names(
            "Armenia; Azerbaijan; Belarus; Kazakhstan; Kyrgyzstan; Moldova; Russia; Tajikistan; "
            "Uzbekistan; Turkmenistan"
        ),
        status={"Turkmenistan": "associate"},
        corroboration=(
            "https://worldpopulace.com/cis-commonwealth-of-independent-states-countries/ "
            "(2022; same nine, Turkmenistan associate)"
        ),
    ),
    MemberList(
        organisation="Arab League",
        source=Source(
            "https://wikimili.com/en/Member_states_of_the_Arab_League",
            "Wikipedia (WikiMili copy), 'Member states of the Arab League': 22 members with "
            "admission dates",
            "2021-2023 (population column dated 2021)",
        ),
        members=split_names(
            "Algeria; Bahrain; Comoros; Djibouti; Egypt; Iraq; Jordan; Kuwait; Lebanon; Libya; "
            "Mauritania; Morocco; Oman; Palestine; Qatar; Saudi Arabia; Somalia; Sudan; Syria; "
            "Tunisia; United Arab Emirates; Yemen"
        ),
        joined={
            "Algeria": "1962-08-16",
            "Bahrain": "1971-09-11",
            "Comoros": "1993-11-20",
            "Djibouti": "1977-09-04",
            "Egypt": "1945-03-22",
            "Iraq": "1945-03-22",
            "Jordan": "1945-03-22",
            "Kuwait": "1961-07-20",
            "Lebanon": "1945-03-22",
            "Libya": "1953-03-28",
            "Mauritania": "1973-11-26",
            "Morocco": "1958-10-01",
            "Oman": "1971-09-29",
            "Qatar": "1971-09-11",
            "Saudi Arabia": "1945-03-22",
            "Somalia": "1974-02-14",
            "Sudan": "1956-01-19",
            "Syria": "1945-03-22",
            "Tunisia": "1958-10-01",
            "United Arab Emirates": "1971-12-06",
            "Yemen": "1945-03-22",
        },
        status={"Syria": "suspended"},
        note={
            "Syria": "suspended 2011 (https://www.dw.com/en/arab-league/t-18932131), readmitted "
            "May 2023 (http://plrajiasacademy.com/current-affairs-details/upsc/english/"
            "arab-league-international)",
            "Yemen": "North Yemen 1945; unified Yemen 22 May 1990",
        },
        corroboration=(
            "http://plrajiasacademy.com/current-affairs-details/upsc/english/"
            "arab-league-international (same 22, 2023)"
        ),
    ),
    MemberList(
        organisation="OIC",
        source=Source(
            "https://us.sis.gov.eg/Story/178316/The-Organization-of-Islamic-Cooperation?lang=en-us",
            "Egypt State Information Service, 'The Organization of Islamic Cooperation' "
            "(18 Mar 2023): 57 member states with year of joining",
            "2023-03-18",
        ),
        members=[],
        joined={
            "Azerbaijan": "1992",
            "Jordan": "1969",
            "Afghanistan": "1969",
            "Albania": "1992",
            "United Arab Emirates": "1972",
            "Indonesia": "1969",
            "Uzbekistan": "1996",
            "Uganda": "1974",
            "Iran": "1969",
            "Pakistan": "1969",
            "Sudan": "1969",
            "Turkey": "1969",
            "Tajikistan": "1992",
            "Djibouti": "1978",
            "Algeria": "1969",
            "Burkina-Faso": "1974",
            "Senegal": "1969",
            "Saudi Arabia": "1969",
            "Turkmenistan": "1992",
            "Chad": "1969",
            "Togo": "1997",
            "Tunisia": "1969",
            "Bahrain": "1972",
            "Benin": "1983",
            "Brunei-Darussalam": "1984",
            "Bangladesh": "1974",
            "Syria": "1972",
            "Suriname": "1996",
            "Sierra Leone": "1972",
            "Somalia": "1969",
            "Iraq": "1975",
            "Oman": "1972",
            "Gabon": "1974",
            "Gambia": "1974",
            "Guyana": "1998",
            "Guinea": "1969",
            "Guinea-Bissau": "1974",
            "Palestine": "1969",
            "Comoros": "1976",
            "Kyrgyz": "1992",
            "Qatar": "1972",
            "Kazakhstan": "1995",
            "Cameroon": "1974",
            "Cote D'ivoire": "2001",
            "Kuwait": "1969",
            "Lebanon": "1969",
            "Libya": "1969",
            "Maldives": "1976",
            "Mali": "1969",
            "Malaysia": "1969",
            "Egypt": "1969",
            "Morocco": "1969",
            "Mauritania": "1969",
            "Mozambique": "1994",
            "Niger": "1969",
            "Nigeria": "1986",
            "Yemen": "1969",
        },
        status={"Syria": "suspended"},
        note={
            "Syria": "suspended since Aug 2012 per The Statesman's Yearbook (members as of Feb "
            "2016, https://en.wikivahdat.com/wiki/Organization_of_the_Islamic_Conference_(OIC)); "
            "status in 2022 not checked"
        },
        corroboration=(
            "https://en.wikivahdat.com/wiki/Organization_of_the_Islamic_Conference_(OIC) "
            "(Statesman's Yearbook: same 57 as of Feb 2016)"
        ),
    ),
    MemberList(
        organisation="AU",
        source=Source(
            "https://vi0.me/wiki/African_Union?lang=simple",
            "Simple English Wikipedia (copy), 'African Union': list of the 55 members",
            "2025 (membership unchanged since Morocco's accession of 31 Jan 2017)",
        ),
        members=split_names(
            "Algeria; Angola; Benin; Botswana; Burkina Faso; Burundi; Cameroon; Cape Verde; "
            "Central African Republic; Chad; Comoros; Democratic Republic of the Congo; "
            "Republic of the Congo; Djibouti; Egypt; Equatorial Guinea; Eritrea; Swaziland; "
            "Ethiopia; Gabon; Gambia; Ghana; Guinea; Guinea-Bissau; Ivory Coast; Kenya; Lesotho; "
            "Liberia; Libya; Madagascar; Malawi; Mali; Mauritania; Mauritius; Morocco; "
            "Mozambique; Namibia; Niger; Nigeria; Rwanda; Sahrawi Arab Democratic Republic; "
            "São Tomé and Príncipe; Senegal; Seychelles; Sierra Leone; Somalia; South Africa; "
            "South Sudan; Sudan; Tanzania; Togo; Tunisia; Uganda; Zambia; Zimbabwe"
        ),
        joined={
            "Algeria": "1963-05-25",
            "Angola": "1979-02-11",
            "Benin": "1963-05-25",
            "Botswana": "1966-10-31",
            "Burkina Faso": "1963-05-25",
            "Burundi": "1963-05-25",
            "Cameroon": "1963-05-25",
            "Cape Verde": "1975-07-18",
            "Central African Republic": "1963-05-25",
            "Chad": "1963-05-25",
            "Comoros": "1975-07-18",
            "Djibouti": "1977-06-27",
            "Democratic Republic of the Congo": "1963-05-25",
            "Egypt": "1963-05-25",
            "Equatorial Guinea": "1968-10-12",
            "Eritrea": "1993-05-24",
            "Swaziland": "1968-09-24",
            "Ethiopia": "1963-05-25",
            "Gabon": "1963-05-25",
            "Gambia": "1965-03-09",
            "Ghana": "1963-05-25",
            "Guinea": "1963-05-25",
            "Guinea-Bissau": "1973-11-19",
            "Ivory Coast": "1963-05-25",
            "Kenya": "1963-05-25",
            "Lesotho": "1966-10-31",
            "Liberia": "1963-05-25",
            "Libya": "1963-05-25",
            "Madagascar": "1963-05-25",
            "Malawi": "1964-07-13",
            "Mali": "1963-05-25",
            "Mauritania": "1963-05-25",
            "Mauritius": "1968-08-01",
            "Morocco": "2017-01-31",
            "Mozambique": "1975-07-18",
            "Namibia": "1990-06-01",
            "Niger": "1963-05-25",
            "Nigeria": "1963-05-25",
            "Republic of the Congo": "1963-05-25",
            "Rwanda": "1963-05-25",
            "São Tomé and Príncipe": "1975-07-18",
            "Senegal": "1963-05-25",
            "Seychelles": "1976-06-29",
            "South Sudan": "2011-07-27",
        },
        joined_source=(
            "http://worldpopulationreview.com./country-rankings/african-union (Algeria to "
            "Seychelles; its Angola date 11 Feb 1975 predates independence and is replaced by "
            "Wikipedia's 1979-02-11, https://en.wikipedia.org/wiki/"
            "Member_states_of_the_African_Union); Morocco: http://amo.au.int/en/member-states; "
            "South Sudan: https://en.academic.ru/dic.nsf/enwiki/11724370"
        ),
        corroboration=(
            "https://www.polgeonow.com/search/label/western%20sahara (Feb 2017: Morocco the "
            "55th member; 'the AU now includes every independent country in Africa')"
        ),
        note={"Angola": "sources disagree on the joining date (1975-02-11 vs 1979-02-11)"},
    ),
    MemberList(
        organisation="G77",
        source=Source(
            "https://www.awesomefintech.com/term/group-of-77",
            "AwesomeFinTech glossary, 'The Group of 77': list of the member countries",
            "undated (uses 'Eswatini', so after April 2018)",
        ),
        members=split_names(
            "Afghanistan; Algeria; Angola; Antigua and Barbuda; Argentina; Bahamas; "
            "Bahrain; Bangladesh; Barbados; Belize; Benin; Bhutan; Bolivia; Botswana; Brazil; "
            "Brunei Darussalam; Burkina Faso; Burundi; Cabo Verde; Cambodia; Cameroon; "
            "Central African Republic; Chad; Chile; China; Colombia; Comoros; Congo; Costa Rica; "
            "Côte d'Ivoire; Cuba; Democratic People's Republic of Korea; "
            "Democratic Republic of the Congo; Djibouti; Dominica; Dominican Republic; Ecuador; "
            "Egypt; El Salvador; Equatorial Guinea; Eritrea; Eswatini; Ethiopia; Fiji; Gabon; "
            "Gambia; Ghana; Grenada; Guatemala; Guinea; Guinea-Bissau; Guyana; Haiti; Honduras; "
            "India; Indonesia; Iran; Iraq; Jamaica; Jordan; Kenya; Kiribati; Kuwait; "
            "Lao People's Democratic Republic; Lebanon; Lesotho; Liberia; Libya; Madagascar; "
            "Malawi; Malaysia; Maldives; Mali; Marshall Islands; Mauritania; Mauritius; "
            "Micronesia; Mongolia; Morocco; Mozambique; Myanmar; Namibia; Nauru; Nepal; "
            "Nicaragua; Niger; Nigeria; Oman; Pakistan; Panama; Papua New Guinea; Paraguay; "
            "Peru; Philippines; Qatar; Rwanda; Saint Kitts and Nevis; Saint Lucia; "
            "Saint Vincent and the Grenadines; Samoa; Sao Tome and Principe; Saudi Arabia; "
            "Senegal; Seychelles; Sierra Leone; Singapore; Solomon Islands; Somalia; "
            "South Africa; South Sudan; Sri Lanka; State of Palestine; Sudan; Suriname; "
            "Syrian Arab Republic; Tajikistan; Thailand; Timor-Leste; Togo; Tonga; "
            "Trinidad and Tobago; Tunisia; Turkmenistan; Uganda; United Arab Emirates; "
            "United Republic of Tanzania; Uruguay; Vanuatu; Venezuela; Viet Nam; Yemen; Zambia; "
            "Zimbabwe"
        ),
        corroboration=(
            "partly http://am-games.net/g77.html (undated list of 134, read up to 'Central "
            "African Republic' and columns Djibouti-Tonga) and the 2008 Wikipedia list "
            "(http://replay.waybackmachine.org/web/20080527191724/http://en.wikipedia.org/wiki/"
            "Group_of_77)"
        ),
        note={
            "China": "participates as 'Group of 77 and China'; not a full member by its own view"
        },
    ),
]
# OIC: the member list is the keys of the joining-year table.
for _lst in LISTS:
    if not _lst.members:
        _lst.members = list(_lst.joined)

# Read in a source but left out, with the reason (written to the log and to SOURCES.md).
EXCLUDED = [
    (
        "G77",
        "Azerbaijan",
        "in awesomefintech.com's list and a January 2024 Wikipedia copy, but not in the "
        "am-games.net copy of the G77 list; membership in early 2022 not confirmed",
    ),
    (
        "G77",
        "Bosnia and Herzegovina",
        "in am-games.net and the 2008/2015 Wikipedia lists, but not in awesomefintech.com's list",
    ),
]


def to_iso3(name: str) -> str:
    """Resolve a member name as spelled in a source to ISO3.

    Parameters
    ----------
    name : str
        Name as spelled in the source.

    Returns
    -------
    str
        The ISO3 code.

    Raises
    ------
    LookupError
        If the name is neither an alias nor an exact pycountry name.
    """
    if name in ALIASES:
        return ALIASES[name]
    return str(pycountry.countries.lookup(name).alpha_3)


def build(members_2022: set[str]) -> tuple[pd.DataFrame, list[str]]:
    """Build the membership table.

    Parameters
    ----------
    members_2022 : set of str
        ISO3 codes of the 193 UN members.

    Returns
    -------
    table : pandas.DataFrame
        One row per (organisation, member).
    log : list of str
        Names dropped (not UN members) and names excluded.
    """
    rows = []
    log = []
    for lst in LISTS:
        for name in lst.members:
            if name in NOT_UN_MEMBERS:
                log.append(f"{lst.organisation}: {name} dropped (not a UN member)")
                continue
            iso3 = to_iso3(name)
            if iso3 not in members_2022:
                raise ValueError(f"{lst.organisation}: {name} -> {iso3} is not a UN member")
            joined = lst.joined.get(name, "")
            rows.append(
                {
                    "iso3": iso3,
                    "organisation": lst.organisation,
                    "status": lst.status.get(name, "member"),
                    "joined": joined,
                    "joined_source": (lst.joined_source or lst.source.url) if joined else "",
                    "as_of": lst.source.as_of,
                    "source": f"{lst.source.title}; {lst.source.url}",
                    "corroboration": lst.corroboration,
                    "checked": CHECKED,
                    "note": lst.note.get(name, ""),
                }
            )
    for org, name, why in EXCLUDED:
        log.append(f"{org}: {name} excluded ({why})")
    table = pd.DataFrame(rows)
    dup = table.duplicated(["organisation", "iso3"])
    if dup.any():
        raise ValueError("duplicate members: " + str(table[dup][["organisation", "iso3"]]))
    return table.sort_values(["organisation", "iso3"]).reset_index(drop=True), log


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, build the table and write it.

    Parameters
    ----------
    argv : list of str, optional
        ``--reference`` and ``--out`` (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        0 once the table is written and the log printed.
    """
    args = reference_parser(__doc__ or "", "--out", DEFAULT_OUT).parse_args(argv)
    table, log = build(set(member_codes(args.reference)))
    write_csv(table, args.out, float_format=None)
    print(table.groupby("organisation").size().to_string())
    for line in log:
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
