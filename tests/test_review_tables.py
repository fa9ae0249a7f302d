"""The review's tables: rules on made-up tables, every tidy row of the real tables checked
by hand against the source, the lossless cell copy and the quality flags."""

from __future__ import annotations

import ast
from pathlib import Path

import pandas as pd
import pytest

from conftest import ROOT, VOCABULARIES, golden, records
from tidyreview import review_tables as rt
from tidyreview import table_cells, table_flags
from tidyreview import table_layouts as tl
from tidyreview import tidy_tables as tt
from tidyreview.errors import SourceFormatError
from tidyreview.layout import read_layout
from tidyreview.publish import to_arrow, validate
from tidyreview.schemas import TABLES, stage_tables
from tidyreview.source import source_from_text
from tidyreview.stages import STAGES

TIDY = ["bispecific_antibody_trials", "adc_trials", "tki_trials", "immunotherapy_trials"]

# --- Made-up tables ----------------------------------------------------------------------

# A layout for made-up drug tables: the same roles as the review's drug tables, other names.
DRUG_LAYOUT = {
    "made_trials": {
        "group_rows": "family",
        "columns": {
            "Agent": {"role": "drug", "name": "drug"},
            "Kind": {"role": "drug_attribute", "name": "kind"},
            "Ratio": {"role": "drug_attribute", "name": "ratio", "parse": "ratio"},
            "Trial": {
                "role": "identifier",
                "name": "trial_id",
                "label": "trial_label",
                "acronym": "acronym",
            },
            "With": {"role": "row", "name": "combination"},
            "Who": {"role": "row", "name": "population"},
            "Refs": {"role": "references", "name": "ref_ids"},
        },
    }
}
DRUG_HEADER = "Agent\tKind\tRatio\tTrial\tWith\tWho\tRefs"

# A layout for a made-up study table: identifier first, typed row columns, groups.
STUDY_LAYOUT = {
    "made_studies": {
        "group_rows": "agent_group",
        "columns": {
            "ID": {"role": "identifier", "name": "trial_id", "acronym": "acronym"},
            "Design": {"role": "row", "name": "phase", "parse": "phase", "raw_name": "design"},
            "State": {"role": "row", "name": "status", "parse": "status"},
            "N": {"role": "row", "name": "enrollment", "parse": "count"},
            "Arms": {"role": "row", "name": "treatment", "parse": "text_with_references"},
        },
    }
}
STUDY_HEADER = "ID\tDesign\tState\tN\tArms"


def made_up(table: str, prose: str = "Nothing to see here.") -> tuple:
    """Return (source, layout) of a small review holding one table."""
    text = (
        "A Made-Up Review\n\n1. Start\n\n"
        f"{prose}\n\n"
        "Table 1. Made-up trials.\n\n"
        f"{table}\n\n"
        "2. End\n\nLast paragraph.\n"
    )
    source = source_from_text(text, doc_id="made2020")
    return source, read_layout(source)


def read(table: str, layout_data: dict, prose: str = "Nothing to see here.") -> dict:
    source, layout = made_up(table, prose)
    return rt.read_tables(source, tl.parse_table_layouts(layout_data), layout)


def rows(df: pd.DataFrame, *cols: str) -> list[tuple]:
    """Return the columns of `df` as tuples, with missing values as None."""

    def clean(v):
        if isinstance(v, list):
            return v
        return None if pd.isna(v) else v

    return [tuple(clean(v) for v in r) for r in df[list(cols)].itertuples(index=False)]


def flags_of(out: dict, check: str) -> list[tuple]:
    qf = out["quality_flags"]
    return [(r.subject, r.line) for r in qf[qf["check"] == check].itertuples()]


def test_group_header_rows_set_the_group_of_the_rows_below():
    out = read(
        f"{DRUG_HEADER}\n"
        "Family one\t\t\t\t\t\t\n"
        "Alphamab\tkind a\t2\tNCT00000001\t\tpeople\t\n"
        "Family two\t\t\t\t\t\t\n"
        "Betamab\tkind b\t3\tNCT00000002\t\tpeople\t",
        DRUG_LAYOUT,
    )
    assert rows(out["made_trials"], "family", "drug", "trial_id") == [
        ("Family one", "Alphamab", "NCT00000001"),
        ("Family two", "Betamab", "NCT00000002"),
    ]
    kinds = out["table_cells"].drop_duplicates("row_index")["row_kind"].tolist()
    assert kinds == ["header", "group", "data", "group", "data"]


def test_drug_cell_fills_down_and_other_empty_cells_stay_null():
    out = read(
        f"{DRUG_HEADER}\n"
        "Alphamab\tkind a\t2\tNCT00000001\tGammanib\tadults\t[3]\n"
        "\t\t\tNCT00000002\t\tchildren\t\n"
        "\t\t\tNCT00000003\tDeltanib\t\t",
        DRUG_LAYOUT,
    )
    assert rows(
        out["made_trials"], "drug", "kind", "ratio", "trial_id", "combination", "population"
    ) == [
        ("Alphamab", "kind a", 2.0, "NCT00000001", "Gammanib", "adults"),
        ("Alphamab", "kind a", 2.0, "NCT00000002", None, "children"),
        ("Alphamab", "kind a", 2.0, "NCT00000003", "Deltanib", None),
    ]
    assert rows(out["made_trials"], "ref_ids", "cells_from_row_index") == [
        ([3], None),
        (None, None),
        (None, None),
    ]


def test_drug_level_value_displaced_by_a_page_break_belongs_to_the_whole_block():
    table = (
        f"{DRUG_HEADER}\n"
        "Alphamab\t\t~3.5\tNCT00000001\t\tadults\t\n"
        "\t\t\tNCT00000002\t\tchildren\t\n"
        "\n"
        "\tlate kind (printed after the break)\t\tNCT00000003\t\televeryone\t\n"
        "Betamab\tkind b\t4\tNCT00000004\t\tadults\t"
    )
    out = read(table, DRUG_LAYOUT)
    assert rows(out["made_trials"], "drug", "kind", "ratio", "ratio_approx", "trial_id") == [
        ("Alphamab", "late kind (printed after the break)", 3.5, True, "NCT00000001"),
        ("Alphamab", "late kind (printed after the break)", 3.5, True, "NCT00000002"),
        ("Alphamab", "late kind (printed after the break)", 3.5, True, "NCT00000003"),
        ("Betamab", "kind b", 4.0, False, "NCT00000004"),
    ]
    # The value stays in its own line's cell in the lossless copy.
    cells = out["table_cells"]
    late = cells[(cells["row_index"] == 3) & (cells["column_index"] == 1)]
    assert late["value"].tolist() == ["late kind (printed after the break)"]
    assert flags_of(out, "drug_attribute_displaced") == [
        ("late kind (printed after the break)", 13)
    ]


def test_conflicting_drug_level_values_keep_the_first_and_are_flagged():
    out = read(
        f"{DRUG_HEADER}\n"
        "Alphamab\tkind a\t2\tNCT00000001\t\tadults\t\n"
        "\tkind z\t\tNCT00000002\t\tadults\t",
        DRUG_LAYOUT,
    )
    assert rows(out["made_trials"], "kind") == [("kind a",), ("kind a",)]
    assert flags_of(out, "drug_attribute_conflict") == [("kind z", 11)]


def test_identifier_only_rows_share_the_merged_cells_of_the_row_above():
    out = read(
        f"{DRUG_HEADER}\n"
        "Alphamab\tkind a\t2\tNCT00000001\tGammanib\tadults\t[7]\n"
        "\t\t\tNCT00000002\tDeltanib (a drug)\tolder adults\t[8,9]\n"
        "\t\t\tNCT00000003\t\t\t\n"
        "\t\t\tNCT00000004\t\t\t\n"
        "\t\t\tNCT00000005\t\tchildren\t",
        DRUG_LAYOUT,
    )
    assert rows(
        out["made_trials"],
        "row_index",
        "trial_id",
        "combination",
        "population",
        "ref_ids",
        "cells_from_row_index",
    ) == [
        (1, "NCT00000001", "Gammanib", "adults", [7], None),
        (2, "NCT00000002", "Deltanib (a drug)", "older adults", [8, 9], None),
        (3, "NCT00000003", "Deltanib (a drug)", "older adults", [8, 9], 2),
        (4, "NCT00000004", "Deltanib (a drug)", "older adults", [8, 9], 2),
        (5, "NCT00000005", None, "children", None, None),
    ]
    kinds = out["table_cells"].drop_duplicates("row_index")["row_kind"].tolist()
    assert kinds == ["header", "data", "data", "merged", "merged", "data"]


def test_identifier_only_row_under_a_group_header_has_no_drug_and_is_flagged():
    out = read(
        f"{DRUG_HEADER}\nFamily\t\t\t\t\t\t\n\t\t\tNCT00000001\t\t\t",
        DRUG_LAYOUT,
    )
    assert out["made_trials"].empty
    assert [s for s, _ in flags_of(out, "drug_not_filled")] == ["\t\t\tNCT00000001\t\t\t"]


def test_continuation_line_after_a_page_break_is_joined_to_the_previous_row():
    table = (
        f"{STUDY_HEADER}\n"
        "Agent one (a kind)\t\t\t\t\n"
        "NCT00000001 ALPHA\tPhase 2\tRecruiting\t40\tArm 1: drug a. Arm 2: drug b +\n"
        "\n"
        "drug c, Arm 3: drug d [12]\t\t\t\t\n"
        "Agent two\t\t\t\t\n"
        "NCT00000002\tPhase 1\tCompleted\t12\tdrug e"
    )
    source, layout = made_up(table)
    out = rt.read_tables(source, tl.parse_table_layouts(STUDY_LAYOUT), layout)
    df = out["made_studies"]
    assert rows(df, "agent_group", "trial_id", "acronym", "treatment", "ref_ids") == [
        (
            "Agent one (a kind)",
            "NCT00000001",
            "ALPHA",
            "Arm 1: drug a. Arm 2: drug b + drug c, Arm 3: drug d",
            [12],
        ),
        ("Agent two", "NCT00000002", None, "drug e", None),
    ]
    lines = layout.tables[0].lines
    assert (df["start"].iloc[0], df["end"].iloc[0]) == (lines[2].start, lines[3].end)
    assert df["line"].tolist() == [lines[2].number, lines[5].number]
    kinds = out["table_cells"].drop_duplicates("row_index")["row_kind"].tolist()
    assert kinds == ["header", "group", "data", "continuation", "group", "data"]
    assert [s for s, _ in flags_of(out, "row_continued_after_page_break")] == [
        "drug c, Arm 3: drug d [12]"
    ]


def test_capitalised_single_cell_after_a_page_break_is_a_group_not_a_continuation():
    out = read(
        f"{STUDY_HEADER}\n"
        "Agent one\t\t\t\t\n"
        "NCT00000001\tPhase 2\tRecruiting\t40\tdrug a\n"
        "\n"
        "Agent two\t\t\t\t\n"
        "NCT00000002\tPhase 3\tRecruiting\t50\tdrug b",
        STUDY_LAYOUT,
    )
    assert rows(out["made_studies"], "agent_group", "treatment") == [
        ("Agent one", "drug a"),
        ("Agent two", "drug b"),
    ]


def test_several_identifiers_in_one_cell_give_one_row_each_with_labels_and_acronyms():
    out = read(
        f"{DRUG_HEADER}\n"
        "Alphamab\tkind a\t2\tNCT00000001, NCT00000002, 2001-123456-12 (LABEL-1), "
        "NCT00000003 SHORT NAME 2\twith x\tadults\t[1]",
        DRUG_LAYOUT,
    )
    assert rows(out["made_trials"], "row_index", "trial_id", "trial_label", "acronym") == [
        (1, "NCT00000001", None, None),
        (1, "NCT00000002", None, None),
        (1, "2001-123456-12", "LABEL-1", None),
        (1, "NCT00000003", None, "SHORT NAME 2"),
    ]
    assert set(out["made_trials"]["combination"]) == {"with x"}


def test_malformed_identifier_is_flagged_and_a_row_without_one_is_left_out():
    out = read(
        f"{DRUG_HEADER}\n"
        "Alphamab\tkind a\t2\tNCT0000001\t\tadults\t\n"
        "\t\t\tNCT00000002\t\tadults\t",
        DRUG_LAYOUT,
    )
    assert out["made_trials"]["trial_id"].tolist() == ["NCT00000002"]
    assert [s for s, _ in flags_of(out, "malformed_identifier")] == ["NCT0000001"]
    assert len(flags_of(out, "row_without_identifier")) == 1


@pytest.mark.parametrize(
    ("text", "ids", "rest"),
    [
        ("[44]", [44], ""),
        ("[49,50]", [49, 50], ""),
        ("[123–125]", [123, 124, 125], ""),
        ("[81,86–88]", [81, 86, 87, 88], ""),
        ("[1-2, 5]", [1, 2, 5], ""),
        ("see [3]", [3], "see"),
        ("no marker", [], "no marker"),
    ],
)
def test_parse_ref_ids_expands_ranges(text, ids, rest):
    assert tt.parse_ref_ids(text) == (ids, rest)


@pytest.mark.parametrize(
    ("text", "kept", "ids"),
    [
        ("Drug a with drug b [205]", "Drug a with drug b", [205]),
        ("Arm C: drug a + drug b [206].", "Arm C: drug a + drug b.", [206]),
        ("Drug a [1] then drug b", "Drug a [1] then drug b", []),
        ("Drug a [3–4]", "Drug a", [3, 4]),
        ("Drug a", "Drug a", []),
    ],
)
def test_trailing_marker_moves_out_of_a_text_cell(text, kept, ids):
    assert tt.split_trailing_refs(text) == (kept, ids)


@pytest.mark.parametrize(
    ("text", "value", "approx"),
    [
        ("~8", 8.0, True),
        ("~3.8", 3.8, True),
        ("2.8", 2.8, False),
        ("12", 12.0, False),
        ("≈ 4", 4.0, True),
        ("Not reported", None, None),
        ("about eight", None, None),
    ],
)
def test_parse_ratio(text, value, approx):
    assert tt.parse_ratio(text) == (value, approx)


def test_ratio_not_reported_is_null_and_an_unreadable_ratio_is_flagged():
    out = read(
        f"{DRUG_HEADER}\n"
        "Alphamab\tkind a\tNot reported\tNCT00000001\t\tadults\t\n"
        "Betamab\tkind b\tn.d.\tNCT00000002\t\tadults\t",
        DRUG_LAYOUT,
    )
    assert rows(out["made_trials"], "ratio", "ratio_approx", "ratio_raw") == [
        (None, None, "Not reported"),
        (None, None, "n.d."),
    ]
    assert [s for s, _ in flags_of(out, "unparsed_number")] == ["n.d."]


@pytest.mark.parametrize(
    ("text", "phase", "raw"),
    [
        ("Phase 1/2 Single arm", "PHASE1/PHASE2", "Phase 1/2"),
        ("Phase 2 open-label, randomized", "PHASE2", "Phase 2"),
        ("Phase 1b", "PHASE1", "Phase 1b"),
        ("Two arms, phase 2", "PHASE2", "phase 2"),
        ("Phase 1b/2, open label", "PHASE1/PHASE2", "Phase 1b/2"),
        ("Phase 3, double blind", "PHASE3", "Phase 3"),
        ("Phase III", "PHASE3", "Phase III"),
        ("Phase Ib/II study", "PHASE1/PHASE2", "Phase Ib/II"),
        ("Phase 1a/1b", "PHASE1", "Phase 1a/1b"),
        ("Early phase 1", "EARLY_PHASE1", "Early phase 1"),
        ("Phase 0", "EARLY_PHASE1", "Phase 0"),
        ("Phase 2/3", "PHASE2/PHASE3", "Phase 2/3"),
        ("Phase 1/3", None, "Phase 1/3"),
        ("N/A, observational", "NA", "N/A"),
        ("Single arm", None, None),
    ],
)
def test_parse_phase(text, phase, raw):
    assert tt.parse_phase(text) == (phase, raw)


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("Completed", "COMPLETED"),
        ("Recruiting", "RECRUITING"),
        ("Active, not recruiting", "ACTIVE_NOT_RECRUITING"),
        ("Not yet recruiting", "NOT_YET_RECRUITING"),
        ("Enrolling by invitation", "ENROLLING_BY_INVITATION"),
        ("Unknown status", "UNKNOWN"),
        ("terminated", "TERMINATED"),
        ("Ongoing", None),
    ],
)
def test_parse_status(text, status):
    assert tt.parse_status(text) == status


def test_typed_study_columns_and_flags_for_unmapped_values():
    out = read(
        f"{STUDY_HEADER}\n"
        "Agent\t\t\t\t\n"
        "NCT00000001 ONE\tPhase 1b/2, open label\tActive, not recruiting\t1,200\tdrug a [4]\n"
        "NCT00000002\tSingle arm\tOngoing\tabout 30\tdrug b",
        STUDY_LAYOUT,
    )
    assert rows(
        out["made_studies"],
        "design",
        "phase",
        "phase_raw",
        "status",
        "status_raw",
        "enrollment",
        "treatment",
        "ref_ids",
    ) == [
        (
            "Phase 1b/2, open label",
            "PHASE1/PHASE2",
            "Phase 1b/2",
            "ACTIVE_NOT_RECRUITING",
            "Active, not recruiting",
            1200,
            "drug a",
            [4],
        ),
        ("Single arm", None, None, None, "Ongoing", None, "drug b", None),
    ]
    qf = out["quality_flags"]
    assert sorted(qf["check"]) == ["unmapped_phase", "unmapped_status", "unparsed_number"]


def test_quality_flags_found_by_rule_on_a_made_up_table():
    prose = (
        "Zetalimab was given to patients in several studies. The GAMMA trial is a phase 2 "
        "study that recruited 41 patients with cancer. The DELTA trial enrolled 30 patients "
        "on zetalimab and 31 patients on placebo. Zetalimab is well tolerated."
    )
    table = (
        f"{STUDY_HEADER}\n"
        "Zetalimab (anti-X antibody)\t\t\t\t\n"
        "NCT00000001 GAMMA\tPhase 2\tRecruiting\t40\tZetalimab + T- DX \\b\n"
        "NCT00000002 DELTA\tPhase 3\tCompleted\t61\tZetalimab + placebo\n"
        "NCT00000003 OMEGA\tPhase 3\tCompleted\t70\tZetalimub alone"
    )
    out = read(table, STUDY_LAYOUT, prose)
    checks = [(r.check, r.subject) for r in out["quality_flags"].itertuples()]
    assert checks == [
        ("count_differs_from_prose", "NCT00000001"),
        ("space_after_hyphen", "T- DX"),
        ("stray_character", "DX \\b"),
        ("spelling_differs_from_prose", "Zetalimub"),
    ]
    source, _ = made_up(table, prose)
    for r in out["quality_flags"].itertuples():
        if r.check in ("space_after_hyphen", "spelling_differs_from_prose"):
            assert source.text[r.start : r.end] == r.subject
    detail = out["quality_flags"]["detail"].iloc[0]
    assert "40" in detail and "'41 patients'" in detail


def test_table_without_a_layout_is_kept_cell_by_cell_and_flagged():
    out = read("Col A\tCol B\nx\ty", DRUG_LAYOUT)
    assert out["made_trials"].empty
    assert out["table_cells"]["row_kind"].tolist() == ["header", "header", "row", "row"]
    assert flags_of(out, "table_without_layout") == [("T1", 9)]


def test_a_row_with_more_cells_than_the_header_is_a_source_error():
    source, layout = made_up(f"{DRUG_HEADER}\nAlphamab\t\t\tNCT00000001\t\t\t\t")
    with pytest.raises(SourceFormatError, match=r"line 10: table T1 row has 8 cells, header has 7"):
        rt.read_tables(source, tl.parse_table_layouts(DRUG_LAYOUT), layout)


def test_made_up_cells_rebuild_every_table_line():
    table = f"{DRUG_HEADER}\nAlpha\t \t~2\tNCT00000001\t\t x  y \t[1]\n\n\t\t\tNCT00000002\t\t\t"
    source, layout = made_up(table)
    out = rt.read_tables(source, tl.parse_table_layouts(DRUG_LAYOUT), layout)
    assert_round_trip(out["table_cells"], layout, source.text)


# --- The layouts file ---------------------------------------------------------------------


def _bad(mutate) -> dict:
    import copy

    data = copy.deepcopy(DRUG_LAYOUT)
    mutate(data["made_trials"])
    return data


@pytest.mark.parametrize(
    ("data", "key", "message"),
    [
        ([], None, "mapping of tidy table names"),
        ({"Made Trials": DRUG_LAYOUT["made_trials"]}, "Made Trials", "snake_case"),
        (_bad(lambda t: t.update(extra=1)), "made_trials", "nothing else"),
        (
            _bad(lambda t: t["columns"]["Agent"].update(role="boss")),
            "made_trials.columns.Agent",
            "role 'boss'",
        ),
        (
            _bad(lambda t: t["columns"]["Ratio"].update(parse="float")),
            "made_trials.columns.Ratio",
            "parse 'float'",
        ),
        (_bad(lambda t: t["columns"]["Who"].pop("name")), "made_trials.columns.Who", "name None"),
        (
            _bad(lambda t: t["columns"]["Who"].update(label="x")),
            "made_trials.columns.Who",
            "identifier column only",
        ),
        (
            _bad(lambda t: t["columns"]["Who"].update(role="identifier")),
            "made_trials",
            "exactly one column",
        ),
        (
            _bad(lambda t: t["columns"]["Who"].update(name="combination")),
            "made_trials",
            "used twice",
        ),
        (_bad(lambda t: t["columns"].pop("Agent")), "made_trials", "need a drug column"),
        (_bad(lambda t: t.update(group_rows="Family")), "made_trials.group_rows", "snake_case"),
    ],
)
def test_layout_errors_name_the_file_and_the_key(data, key, message):
    with pytest.raises(tl.TableLayoutError) as err:
        tl.parse_table_layouts(data, "layouts.yaml")
    text = str(err.value)
    assert text.startswith("layouts.yaml" + (f" [{key}]" if key else ""))
    assert message in text


def test_layouts_file_missing_or_not_yaml(tmp_path):
    with pytest.raises(tl.TableLayoutError, match="table layouts file not found"):
        tl.load_table_layouts(tmp_path)
    (tmp_path / tl.LAYOUTS_FILE).write_text("a: [b\n", encoding="utf-8")
    with pytest.raises(tl.TableLayoutError, match="not valid YAML"):
        tl.load_table_layouts(tmp_path)


def test_the_projects_layouts_file_is_valid_and_names_the_four_tables():
    specs = tl.load_table_layouts(VOCABULARIES)
    assert sorted(s.table for s in specs.values()) == sorted(TIDY)
    for spec in specs.values():
        assert spec.output_columns() == list(TABLES[spec.table].to_schema().columns)


def _code_literals(path: Path) -> list[str]:
    """Return the string constants of a module's code (docstrings and comments excluded:
    they quote the review as examples, the code must not depend on it)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]


def test_the_code_knows_no_drug_trial_or_line_of_the_review(real):
    """The rules are general: no value of the review's tables is a literal of the stage's
    modules."""
    modules = (rt, tl, tt, table_cells, table_flags)
    literals = [lit for m in modules for lit in _code_literals(Path(m.__file__))]
    cells = real["table_cells"]
    values = {v.strip() for v in cells.loc[cells["row_index"] > 0, "value"] if len(v.strip()) > 3}
    ids = {i for df in (real[t] for t in TIDY) for i in df["trial_id"]}
    assert not [v for v in values | ids if any(v in lit for lit in literals)]
    numbers = {str(n) for n in cells["line"]}
    assert not [lit for lit in literals if lit in numbers]


# --- The real tables --------------------------------------------------------------------


@pytest.fixture(scope="module")
def real(source, layout):
    return rt.read_tables(source, tl.load_table_layouts(VOCABULARIES), layout)


def assert_round_trip(cells: pd.DataFrame, layout, raw: str) -> None:
    """Every table line is rebuilt byte for byte from its cells, and every cell's offsets
    point at its value."""
    n_lines = 0
    for table in layout.tables:
        mine = cells[cells["table_id"] == table.table_id]
        by_row = {i: g.sort_values("column_index") for i, g in mine.groupby("row_index")}
        assert sorted(by_row) == list(range(len(table.lines)))
        for i, line in enumerate(table.lines):
            row = by_row[i]
            assert row["column_index"].tolist() == list(range(len(row)))
            assert "\t".join(row["value"]) == line.text
            assert set(row["line"]) == {line.number}
            n_lines += 1
    assert n_lines == cells.groupby(["table_id", "row_index"]).ngroups
    for r in cells.itertuples():
        assert raw[r.start : r.end] == r.value


def test_table_cells_rebuild_every_line_of_the_four_tables(real, layout, raw):
    assert [len(t.lines) for t in layout.tables] == [15, 31, 8, 33]
    assert_round_trip(real["table_cells"], layout, raw)
    # Every tab-separated line of the file is a table line.
    tabbed = [n for n, line in enumerate(raw.split("\n"), start=1) if "\t" in line]
    assert tabbed == [line.number for t in layout.tables for line in t.lines]


def test_table_cells_row_kinds(real):
    cells = real["table_cells"]
    kinds = cells.drop_duplicates(["table_id", "row_index"])
    by_line = dict(zip(kinds["line"], kinds["row_kind"], strict=True))
    special = {n: k for n, k in by_line.items() if k not in ("data",)}
    assert special == {
        86: "header",
        87: "group",
        95: "merged",
        97: "group",
        152: "header",
        209: "header",
        228: "header",
        229: "group",
        237: "group",
        248: "continuation",
        249: "group",
        252: "group",
        255: "group",
        257: "group",
        259: "group",
    }
    assert cells["column_name"][cells["table_id"] == "T2"].unique().tolist() == [
        "Drug",
        "Payload",
        "Drug-to-Anti-body Ratio",
        "Clinical Trial Identifier",
        "In Combination with",
        "Population",
        "Reference",
    ]
    assert (cells["value"] == "").sum() == 173


def _check_rows(
    df: pd.DataFrame,
    table: str,
    columns: list[str],
    expected: list[tuple],
    source,
    layout,
    table_id,
):
    """Compare every tidy row with the hand-checked expectation and check its offsets."""
    got = records(df, table)
    assert [tuple(r[c] for c in ["line", *columns]) for r in got] == expected
    lines = {
        line.number: (i, line) for i, line in enumerate(layout.tables[int(table_id[1]) - 1].lines)
    }
    for r in got:
        index, line = lines[r["line"]]
        assert (r["doc_id"], r["table_id"], r["row_index"]) == ("mercogliano2023", table_id, index)
        assert r["start"] == line.start
        assert r["end"] == (line.end if r["line"] != 246 else source.line_span(248)[1])


# Table 1, lines 86-100, read by hand: tests/fixtures/review_tables_t1.csv.
T1_ROWS = golden("review_tables_t1")


def test_table1_bispecific_antibodies_every_row(real, source, layout):
    cols = [
        "target_group",
        "drug",
        "trial_id",
        "combination",
        "population",
        "ref_ids",
        "cells_from_row_index",
    ]
    _check_rows(
        real["bispecific_antibody_trials"],
        "bispecific_antibody_trials",
        cols,
        T1_ROWS,
        source,
        layout,
        "T1",
    )


# Table 2, lines 152-183, read by hand: tests/fixtures/review_tables_t2.csv.
T2_ROWS = golden("review_tables_t2")


def test_table2_adcs_every_row(real, source, layout):
    cols = [
        "drug",
        "payload",
        "dar",
        "dar_approx",
        "dar_raw",
        "trial_id",
        "trial_label",
        "combination",
        "population",
        "ref_ids",
    ]
    _check_rows(real["adc_trials"], "adc_trials", cols, T2_ROWS, source, layout, "T2")
    assert real["adc_trials"]["cells_from_row_index"].isna().all()


# Table 3, lines 209-216, read by hand: tests/fixtures/review_tables_t3.csv.
T3_ROWS = golden("review_tables_t3")


def test_table3_tkis_every_row(real, source, layout):
    cols = ["drug", "description", "trial_id", "combination", "population", "ref_ids"]
    _check_rows(real["tki_trials"], "tki_trials", cols, T3_ROWS, source, layout, "T3")


# Table 4, lines 228-261, read by hand: tests/fixtures/review_tables_t4.csv.
T4_ROWS = golden("review_tables_t4")


def test_table4_immunotherapy_every_row(real, source, layout):
    cols = [
        "agent_group", "trial_id", "acronym", "study_type_raw", "phase", "phase_raw", "status",
        "status_raw", "enrollment", "population", "treatment", "ref_ids",
    ]  # fmt: skip
    _check_rows(
        real["immunotherapy_trials"], "immunotherapy_trials", cols, T4_ROWS, source, layout, "T4"
    )


def test_row_counts(real):
    assert {t: len(real[t]) for t in TIDY} == {
        "bispecific_antibody_trials": 12,
        "adc_trials": 32,
        "tki_trials": 11,
        "immunotherapy_trials": 24,
    }
    assert len(real["table_cells"]) == 15 * 5 + 31 * 7 + 8 * 6 + 33 * 6


def test_every_table_passes_its_schema(real, source):
    for table in ["table_cells", *TIDY, "quality_flags"]:
        df = to_arrow(real[table], table).to_pandas(types_mapper=pd.ArrowDtype)
        validate(table, df, {source.doc_id: source})


def test_schema_rejects_a_duplicate_natural_key_and_bad_values(real, source):
    df = to_arrow(real["adc_trials"], "adc_trials").to_pandas(types_mapper=pd.ArrowDtype)
    dup = pd.concat([df, df.iloc[[1]].assign(row_index=99)], ignore_index=True)
    with pytest.raises(Exception, match="natural_key"):
        validate("adc_trials", dup, {source.doc_id: source})
    bad = df.copy()
    bad.loc[0, "dar"] = 25.0
    with pytest.raises(Exception, match="dar"):
        validate("adc_trials", bad, {source.doc_id: source})
    t4 = to_arrow(real["immunotherapy_trials"], "immunotherapy_trials").to_pandas(
        types_mapper=pd.ArrowDtype
    )
    t4.loc[0, "status"] = "ONGOING"
    with pytest.raises(Exception, match="status"):
        validate("immunotherapy_trials", t4, {source.doc_id: source})


# Quality flags on the real tables, checked against the source: (check, line, subject).
REAL_FLAGS = [
    ("stray_character", 100, "A \\amplified"),
    ("spelling_differs_from_prose", 173, "wpxpressing"),
    ("drug_attribute_displaced", 177, "Monomethyl auristatin E (microtubule inhibitor)"),
    ("spelling_differs_from_prose", 214, "Pozotinib"),
    ("count_differs_from_prose", 230, "NCT02129556"),  # 58 vs "6 patients" + "54" = 60
    ("count_differs_from_prose", 232, "NCT03032107"),  # 27 vs "20 metastatic breast cancers"
    ("space_after_hyphen", 233, "PD- L1+"),
    ("space_after_hyphen", 235, "I- SPY"),
    ("space_after_hyphen", 238, "T- DM1"),
    ("space_after_hyphen", 238, "T- DM1"),
    (
        "row_continued_after_page_break",
        248,
        "cyclophosphamide (AC) followed by HPCT + atezolizumab, Arm 3",
    ),
    ("count_differs_from_prose", 250, "NCT02649686"),  # 15 vs "14 patients"
    ("spelling_differs_from_prose", 256, "Molalizumab"),  # Monalizumab elsewhere
    ("count_differs_from_prose", 258, "NCT05076591"),  # 135 vs "137 patients" (IMM2902)
]


def test_real_quality_flags(real, raw):
    qf = real["quality_flags"]
    assert [(r.check, r.line, r.subject) for r in qf.itertuples()] == REAL_FLAGS
    assert set(qf["stage"]) == {"tables"}
    for r in qf.itertuples():
        if r.check in ("spelling_differs_from_prose", "space_after_hyphen"):
            assert raw[r.start : r.end] == r.subject
        if r.check == "count_differs_from_prose":
            assert raw[r.start : r.end].isdigit()


def test_ref_ids_resolve_to_the_reference_list_and_match_the_citations(real, source):
    references = pytest.importorskip("tidyreview.references")
    out = references.extract(source)
    known = set(out["references"]["ref_id"].astype(int))
    cited = rt.reference_numbers({t: real[t] for t in TIDY})
    assert cited and cited <= known
    # The citation markers the references stage finds in each table are the tidy ref_ids.
    cit = out["citations"]
    for table, table_id in zip(TIDY, ["T1", "T2", "T3", "T4"], strict=True):
        in_tidy = rt.reference_numbers({table: real[table]})
        assert set(cit.loc[cit["table_id"] == table_id, "ref_id"].astype(int)) == in_tidy


def test_the_stage_reads_the_layouts_from_the_vocabularies_folder(source):
    out = STAGES["review_tables"](source, VOCABULARIES, {})
    assert set(out) == set(stage_tables("review_tables"))
    assert (ROOT / "raw" / "vocabularies" / tl.LAYOUTS_FILE).is_file()


def test_counts_of_another_population_are_not_compared():
    from tidyreview.table_flags import same_population

    # JAVELIN: the table row is the whole solid-tumour trial, the prose its breast cohort
    cell = "Metastatic or locally advanced solid tumors"
    assert not same_population("168 metastatic breast cancer patients", cell)
    assert same_population("58 patients", cell)
    assert same_population("20 metastatic breast cancers", "Metastatic HER2+ breast cancer")
    assert same_population("168 metastatic breast cancer patients", None)
