# Adapter: the end of one review's extraction, its row counts per interim table.
from tidyreview.interim import write_extraction_summary

write_extraction_summary(
    snakemake.wildcards.doc_id,  # noqa: F821
    list(snakemake.input.interim),  # noqa: F821
    snakemake.output[0],  # noqa: F821
)
