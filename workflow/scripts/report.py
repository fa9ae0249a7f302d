# Adapter: build the self-contained HTML report from the staged tables.
from tidyreview.runner import run_report

run_report(
    snakemake.params.parquet_dir,  # noqa: F821
    snakemake.input.datapackage,  # noqa: F821
    snakemake.input.views,  # noqa: F821
    snakemake.output[0],  # noqa: F821
    log=snakemake.log[0],  # noqa: F821
)
