# Adapter: write the Frictionless data package descriptor.
from tidyreview.runner import run_datapackage

run_datapackage(snakemake.output[0], log=snakemake.log[0])  # noqa: F821
