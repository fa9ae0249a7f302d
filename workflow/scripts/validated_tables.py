# Adapter: validate every table across documents and stage it as Parquet.
from pathlib import Path

from tidyreview.runner import run_validation

interim: dict[str, list[str]] = {}
for path in snakemake.input.interim:  # noqa: F821
    interim.setdefault(Path(path).stem, []).append(path)
run_validation(
    interim,
    list(snakemake.input.texts),  # noqa: F821
    snakemake.params.out_dir,  # noqa: F821
    snakemake.params.report_dir,  # noqa: F821
    snakemake.output.datapackage,  # noqa: F821
    snakemake.output.schema_sql,  # noqa: F821
    log=snakemake.log[0],  # noqa: F821
    layouts_path=snakemake.input.layouts[0],  # noqa: F821
)
