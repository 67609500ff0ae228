"""Pieces shared by the data scripts in ``tools/``: paths, member list, ISO codes, CSV output.

The scripts import it as ``from _shared import ...``; running ``python tools/NAME.py`` puts
``tools/`` on ``sys.path``, so this works from the repository root.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd
import pycountry

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = REPO.parent / "shared"
DEFAULT_REFERENCE = DEFAULT_SHARED / "reference"
DERIVED = REPO / "scenarios" / "un_2022" / "derived"
DEFAULT_RECORDS = REPO / "scenarios" / "records"

# Voeten's data (unvotes) keeps the code "YU" (Yugoslavia) for Serbia after 2006; "CS" (Serbia
# and Montenegro) is listed for safety.  Namibia is the literal string "NA".
ALPHA2_OVERRIDES = {"YU": "SRB", "CS": "SRB"}


def alpha2_to_iso3(code: str) -> str | None:
    """Convert an ISO 3166 alpha-2 code from the unvotes data to alpha-3.

    Parameters
    ----------
    code : str
        Alpha-2 code as stored in ``un_votes.parquet`` (Namibia is the string ``"NA"``).

    Returns
    -------
    str or None
        The alpha-3 code, or None when the code is unknown.
    """
    if code in ALPHA2_OVERRIDES:
        return ALPHA2_OVERRIDES[code]
    country = pycountry.countries.get(alpha_2=code)
    return None if country is None else str(country.alpha_3)


def member_codes(reference: Path) -> list[str]:
    """Read the ISO3 codes of the 193 UN members of 2022, sorted.

    Parameters
    ----------
    reference : Path
        The ``shared/reference`` folder holding ``un_members_2022.csv``.

    Returns
    -------
    list of str
        The sorted ISO3 codes.
    """
    return sorted(pd.read_csv(reference / "un_members_2022.csv")["ISO3"])


def reference_parser(doc: str, out_flag: str, out_default: Path) -> argparse.ArgumentParser:
    """Return a parser with ``--reference`` and one output option.

    Parameters
    ----------
    doc : str
        The calling script's module docstring; its first line describes the parser.
    out_flag : str
        Name of the output option, e.g. ``--out``.
    out_default : Path
        Its default.

    Returns
    -------
    argparse.ArgumentParser
        The parser, to which the caller may add more options.
    """
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--reference", type=Path, default=DEFAULT_REFERENCE)
    parser.add_argument(out_flag, type=Path, default=out_default)
    return parser


def records_parser(
    doc: str, shared_help: str, out_help: str, dry_run_help: str
) -> argparse.ArgumentParser:
    """Return a parser with ``--shared``, ``--out`` and ``--dry-run`` for the record scripts.

    Parameters
    ----------
    doc : str
        The calling script's module docstring; its first paragraph describes the parser.
    shared_help, out_help, dry_run_help : str
        Help texts of the three options.

    Returns
    -------
    argparse.ArgumentParser
        The parser, to which the caller adds its own options.
    """
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help=shared_help)
    parser.add_argument("--out", type=Path, default=DEFAULT_RECORDS, help=out_help)
    parser.add_argument("--dry-run", action="store_true", help=dry_run_help)
    return parser


def write_csv(table: pd.DataFrame, path: Path, float_format: str | None = "%.4f") -> None:
    """Write a table as CSV with Unix line ends and report it.

    Parameters
    ----------
    table : pandas.DataFrame
        The table.
    path : Path
        Destination file; its folder is created if needed.
    float_format : str or None, default "%.4f"
        Format of floats (None: pandas' default).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(path, index=False, float_format=float_format, lineterminator="\n")
    print(f"wrote {path} ({len(table)} rows)")
