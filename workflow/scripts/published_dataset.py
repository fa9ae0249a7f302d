# Adapter: publish staged files to outputs/ by atomic renames.
from tidyreview.runner import run_publish

staged = list(snakemake.input.parquet) + [snakemake.input.database]  # noqa: F821
run_publish(list(zip(staged, snakemake.output, strict=True)), log=snakemake.log[0])  # noqa: F821
