# tidyreview: a review article -> tidy, validated, linked tables.
#
#   raw/reviews/<author>-<year>-*.txt|.pdf                  one file per review (doc_id)
#     -> outputs/interim/<doc_id>/<stage>/<table>.parquet  per-document extraction
#     -> outputs/staging/parquet/<table>.parquet          all documents, validated
#     -> outputs/staging/{review.duckdb,report.html,datapackage.json}
#     -> outputs/parquet/<table>.parquet                   published (atomic copies)
#        outputs/review.duckdb                             keys, comments, views
#        outputs/datapackage.json                          Frictionless data package
#        outputs/report.html                               self-contained report
#
# A failing validation stops before anything under outputs/parquet or review.duckdb is
# touched, so the previous release stays intact.

from pathlib import Path

from snakemake.utils import min_version

min_version("9.0")


configfile: Path(workflow.basedir) / "config" / "config.yaml"


include: "workflow/rules/common.smk"
include: "workflow/rules/extract.smk"
include: "workflow/rules/publish.smk"


rule all:
    default_target: True
    input:
        published_files(),
