"""A malformed data folder (``world build --data``) is one line naming the table, exit code 2.

pandas raises deep inside a conversion (a CSV with an unterminated quote, a date or a number
that is not one, a truncated row); the builder names the file and never prints its content.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from sim.cli import main
from tests.test_worlds import DATE, _fixture


def _states_quote(data: Path) -> str:
    (data / "states.csv").write_text('iso3,iso2,cow,name,admitted\nAAA,AA,2,"Aland,1945\n')
    return "states.csv: values: malformed data table"


def _states_column(data: Path) -> str:
    table = pd.read_csv(data / "states.csv").drop(columns="admitted")
    table.to_csv(data / "states.csv", index=False)
    return "states.csv: admitted: missing column"


def _states_truncated(data: Path) -> str:
    (data / "states.csv").write_text("iso3,iso2,cow,name,admitted\nAAA,AA\n")
    return "states.csv: values: malformed data table"


def _sponsors_quote(data: Path) -> str:
    (data / "un_sponsors.csv").write_text('symbol,adopted,draft,sponsors,named,source\n"A,1\n')
    return "un_sponsors.csv: values: malformed data table"


def _call_date(data: Path) -> str:
    path = data / "unvotes" / "un_roll_calls.parquet"
    calls = pd.read_parquet(path)
    calls["date"] = ["not a date", "2018-12-02", "2019-11-07"]
    calls.to_parquet(path)
    return "un_roll_calls.parquet: values: malformed data table"


def _democracy(row: str) -> Callable[[Path], str]:
    """A democracy extract whose one row is ``row`` (a code or a score that is no number)."""

    def spoil(data: Path) -> str:
        (data / "democracy").mkdir()
        (data / "democracy" / "ccode_democracy.csv").write_text(
            f"ccode,year,v2x_polyarchy,xm_qudsest\n{row}\n"
        )
        return "ccode_democracy.csv: values: malformed data table"

    return spoil


def _parquet(data: Path, name: str, column: str, values: object) -> None:
    path = data / name
    table = pd.read_parquet(path)
    if values is None:
        table = table.drop(columns=column)
    else:
        table[column] = values
    table.to_parquet(path)


def _atop_year(data: Path) -> str:
    _parquet(data, "ir_datasets/atop_alliance.parquet", "year", ["x", "2019", "2018"])
    return "atop_alliance.parquet: values: malformed data table"


def _tss_start(data: Path) -> str:
    _parquet(data, "ir_datasets/tss_rivalries.parquet", "start", ["1950", "then"])
    return "tss_rivalries.parquet: values: malformed data table"


def _tss_end_missing(data: Path) -> str:
    _parquet(data, "ir_datasets/tss_rivalries.parquet", "end", None)
    return "tss_rivalries.parquet: end: missing column"


def _igo_count(data: Path) -> str:
    _parquet(data, "ir_datasets/cow_igo_ndy.parquet", "dyadigos", ["many", "10", "0"])
    return "cow_igo_ndy.parquet: values: malformed data table"


def _vote_word(data: Path) -> str:
    path = data / "unvotes" / "un_votes.parquet"
    votes = pd.read_parquet(path)
    votes.loc[0, "vote"] = "maybe"
    votes.to_parquet(path)
    return "un_votes.parquet: vote: must be one of yes, abstain, no"


def _iso2_twice(data: Path) -> str:
    table = pd.read_csv(data / "states.csv", keep_default_na=False)
    table.loc[1, "iso2"] = table.loc[0, "iso2"]
    table.to_csv(data / "states.csv", index=False)
    return "states.csv: iso2: a code names two states"


@pytest.mark.parametrize(
    "spoil",
    [
        _atop_year,
        _tss_start,
        _tss_end_missing,
        _igo_count,
        _vote_word,
        _iso2_twice,
        _democracy("2,2018,abc,0.1"),
        _states_quote,
        _states_column,
        _states_truncated,
        _sponsors_quote,
        _call_date,
        _democracy("abc,2018,0.5,0.1"),
    ],
)
def test_a_malformed_data_table_is_one_line_naming_it(
    spoil: Callable[[Path], str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _fixture(tmp_path / "data")
    expected = spoil(data)
    out = tmp_path / "world"
    argv = ["world", "build", "--date", str(DATE), "--data", str(data), "--out", str(out)]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert expected in err and err.count("\n") == 1 and "Traceback" not in err
    assert "Aland" not in err  # the file's content is never printed
    assert not out.exists()  # nothing half-written
