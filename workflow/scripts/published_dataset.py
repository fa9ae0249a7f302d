# Adapter: publish the staged release into outputs/ by atomic renames.
from tidyreview.runner import run_publish

pairs = list(zip(snakemake.input.staged, snakemake.output, strict=True))  # noqa: F821
run_publish(pairs, log=snakemake.log[0])  # noqa: F821
