import json
import sys
from pathlib import Path

from tidyreview.errors import InputError, TidyReviewError
from tidyreview.release import clean_stale_temporaries
from tidyreview.source import discover_reviews


def stop(error):
    """End the workflow on a damaged input before any job runs: one line, no stack."""
    print(f"tidyreview ERROR: {error}", file=sys.stderr)
    raise SystemExit(1)


OUT = config["out_dir"].rstrip("/")
try:
    REVIEWS = discover_reviews(config["reviews_dir"])
except TidyReviewError as exc:
    stop(exc)
VOCAB_DIR = config["vocabularies_dir"]
PACKAGE_DIR = Path(workflow.basedir) / "workflow" / "tidyreview"
SCHEMA_DIR = Path(workflow.basedir) / "schemas"
SQL_DIR = Path(workflow.basedir) / "workflow" / "sql"
# {table: [stages producing it]}, generated from the schemas by `tidyreview dictionary`
# (read as JSON so that starting Snakemake does not load pandas and pandera).
TABLES = json.loads((Path(workflow.basedir) / "workflow" / "tables.json").read_text())[
    "tables"
]


def table_stages(table):
    return TABLES[table]


def stage_tables(stage):
    return [t for t, stages in TABLES.items() if stage in stages]


wildcard_constraints:
    doc_id="|".join(REVIEWS),


def review_text(wildcards):
    """The raw text of the review named by the doc_id wildcard."""
    return REVIEWS[wildcards.doc_id]


def all_review_texts():
    return list(REVIEWS.values())


def code(*modules):
    """Package modules a rule runs, as inputs: editing one reruns only what uses it."""
    return [str(PACKAGE_DIR / f"{m}.py") for m in modules]


def vocabulary(*names):
    """Curated vocabulary files a rule reads, as inputs: editing one reruns the rule.
    Each is required: a missing one stops the workflow before it starts, even when older
    outputs exist (Snakemake alone would then report "Nothing to be done")."""
    paths = [Path(VOCAB_DIR) / n for n in names]
    for path in paths:
        if not path.is_file():
            stop(
                InputError(
                    f"{path}: vocabulary file not found (it is required; restore it)"
                )
            )
    return [str(p) for p in paths]


def schema_files():
    return sorted(str(p) for p in SCHEMA_DIR.glob("*.py"))


def stage_outputs(stage):
    """Named outputs of a per-document stage: one interim Parquet file per table."""
    return {
        t: f"{OUT}/interim/{{doc_id}}/{stage}/{t}.parquet" for t in stage_tables(stage)
    }


def interim_files(table):
    return [
        f"{OUT}/interim/{d}/{stage}/{table}.parquet"
        for stage in table_stages(table)
        for d in REVIEWS
    ]


def all_interim_files():
    return [f for t in TABLES for f in interim_files(t)]


def staged_parquet():
    return [f"{OUT}/staging/parquet/{t}.parquet" for t in TABLES]


def release_names():
    """Published file names, relative to the output folder, in a fixed order."""
    return [f"parquet/{t}.parquet" for t in TABLES] + [
        "review.duckdb",
        "datapackage.json",
        "report.html",
    ]


def staged_release():
    return [f"{OUT}/staging/{name}" for name in release_names()]


def published_files():
    """The stable published paths (symlinks into outputs/current/, see tidyreview.release)."""
    return [f"{OUT}/{name}" for name in release_names()]


def flag_value(value):
    """A yes/no config value, as YAML or as `--config key=true` gives it."""
    return str(value).strip().lower() in ("true", "yes", "1", "on")


# The published_dataset rule's declared output. Without a complete release in place
# (published paths deleted by hand, a first run) it is removed, so that the release is
# published again.
PUBLISHED_STAMP = f"{OUT}/releases/published.txt"
if not all(Path(p).exists() for p in published_files()):
    Path(PUBLISHED_STAMP).unlink(missing_ok=True)
# Temporary files of runs killed while writing (.<name>.tmp-<pid> of a dead process).
clean_stale_temporaries(OUT)
