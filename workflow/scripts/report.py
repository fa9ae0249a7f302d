# Adapter: build the self-contained HTML report from the published database.
from tidyreview.runner import run_report

run_report(snakemake.input.database, snakemake.output[0], log=snakemake.log[0])  # noqa: F821
