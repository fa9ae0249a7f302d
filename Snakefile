# tidyreview: a review article -> tidy, validated, linked tables.
#
#   raw/reviews/<author>-<year>-*.txt|.pdf                  one file per review (doc_id)
#     -> outputs/interim/<doc_id>/<stage>/<table>.parquet  per-document extraction
#     -> outputs/staging/parquet/<table>.parquet          all documents, validated
#     -> outputs/staging/{review.duckdb,report.html,datapackage.json}
#     -> outputs/releases/<id>/                            a full copy, then one atomic
#        outputs/current -> releases/<id>                  switch of this symlink
#     outputs/parquet/<table>.parquet                      stable paths into current/
#     outputs/review.duckdb                                keys, comments, views
#     outputs/datapackage.json                             Frictionless data package
#     outputs/report.html                                  self-contained report
#
# A failure anywhere (bad input, validation, signal, full disk) leaves the previous
# release in place: readers see the old release or the new one, never a mix.

from pathlib import Path

from snakemake.utils import min_version

min_version("9.0")


configfile: Path(workflow.basedir) / "config" / "config.yaml"


include: "workflow/rules/common.smk"


wildcard_constraints:
    doc_id="|".join(REVIEWS),


include: "workflow/rules/extract.smk"
include: "workflow/rules/publish.smk"


# On a cluster these run where Snakemake runs: the target, and the switch of the release.
localrules:
    all,
    published_dataset,


rule all:
    default_target: True
    input:
        PUBLISHED_STAMP,
