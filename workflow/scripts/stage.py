# Adapter: one per-document extraction stage (see tidyreview.stages).
from tidyreview.runner import run_stage

run_stage(
    snakemake.params.stage,  # noqa: F821
    snakemake.input.text,  # noqa: F821
    {k: v for k, v in snakemake.output.items()},  # noqa: F821
    vocabularies=getattr(snakemake.params, "vocabularies", None),  # noqa: F821
    log=snakemake.log[0],  # noqa: F821
    vocabulary_files=list(getattr(snakemake.input, "vocabularies", [])),  # noqa: F821
    inputs={k: v for k, v in snakemake.input.items()},  # noqa: F821
    options=dict(getattr(snakemake.params, "options", None) or {}),  # noqa: F821
)
