# Adapter: build the DuckDB database (keys, comments, views) from staged Parquet.
from tidyreview.runner import run_database

run_database(
    snakemake.params.parquet_dir,  # noqa: F821
    snakemake.output[0],  # noqa: F821
    snakemake.input.schema_sql,  # noqa: F821
    snakemake.input.datapackage,  # noqa: F821
    snakemake.input.views,  # noqa: F821
    log=snakemake.log[0],  # noqa: F821
)
