import json
from pathlib import Path

from tidyreview.source import discover_reviews

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


def derived_text_path(doc_id):
    """A PDF review's derived text, written once by rule pdf_text."""
    return f"{OUT}/interim/{doc_id}/source/{doc_id}.derived.json"


def text_of(doc_id):
    """What the stages read: the review's text file, or a PDF review's derived text."""
    path = REVIEWS[doc_id]
    return derived_text_path(doc_id) if path.lower().endswith(".pdf") else path


def review_text(wildcards):
    """The text of the review named by the doc_id wildcard."""
    return text_of(wildcards.doc_id)


def review_pdf(wildcards):
    return REVIEWS[wildcards.doc_id]


def all_review_texts():
    return [text_of(d) for d in REVIEWS]


# Loading a source runs the PDF reader too (for *.pdf reviews).
SOURCE_MODULES = [
    "source",
    "pdf_chars",
    "pdf_lines",
    "pdf_text",
    "pdf_render",
    "pdf_writer",
]


def code(*modules):
    """Package modules a rule runs, as inputs: editing one reruns only what uses it."""
    if "source" in modules:
        modules = [*modules, *SOURCE_MODULES[1:]]
    return [str(PACKAGE_DIR / f"{m}.py") for m in modules]


def vocabulary(*names):
    """Curated vocabulary files a rule reads, as inputs: editing one reruns the rule."""
    return [str(Path(VOCAB_DIR) / n) for n in names]


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
    return [f"{OUT}/{name}" for name in release_names()]
