# Adapter: read a review PDF once into its derived text (see tidyreview.pdf_text).
from tidyreview.runner import run_pdf_text

run_pdf_text(
    snakemake.input.pdf,  # noqa: F821
    snakemake.output.derived,  # noqa: F821
    log=snakemake.log[0],  # noqa: F821
)
