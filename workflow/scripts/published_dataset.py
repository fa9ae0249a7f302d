# Adapter: publish the staged files as a new release (outputs/releases/<id>, outputs/current).
from tidyreview.runner import run_publish

run_publish(
    snakemake.params.out_dir,  # noqa: F821
    dict(zip(snakemake.params.names, snakemake.input.staged, strict=True)),  # noqa: F821
    snakemake.output[0],  # noqa: F821
    allow_shrink=snakemake.params.allow_shrink,  # noqa: F821
    max_loss=snakemake.params.max_shrink,  # noqa: F821
    log=snakemake.log[0],  # noqa: F821
)
