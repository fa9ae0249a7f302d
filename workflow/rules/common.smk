import json
from pathlib import Path

from tidyreview.source import discover_reviews
from tidyreview.stages import interim_only_tables, stage_reads

OUT = config["out_dir"].rstrip("/")
REVIEWS = discover_reviews(config["reviews_dir"])
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
    """Curated vocabulary files a rule reads, as inputs: editing one reruns the rule."""
    return [str(Path(VOCAB_DIR) / n) for n in names]


def schema_files():
    return sorted(str(p) for p in SCHEMA_DIR.glob("*.py"))


def interim_file(stage, table):
    return f"{OUT}/interim/{{doc_id}}/{stage}/{table}.parquet"


def stage_outputs(stage):
    """Named outputs of a per-document stage: one interim Parquet file per table it
    publishes, and per table it writes only for later stages (tidyreview.stages)."""
    tables = stage_tables(stage) + interim_only_tables(stage)
    return {t: interim_file(stage, t) for t in tables}


def stage_inputs(stage):
    """Named inputs of a per-document stage: the earlier stages' interim files it reads."""
    return {t: interim_file(earlier, t) for t, earlier in stage_reads(stage).items()}


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
    return [f"{OUT}/{name}" for name in release_names()]
