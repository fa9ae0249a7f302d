# Validation, database, report and publication of all documents' tables. Everything is
# built under staging/ first; published_dataset then publishes it as a new release, so a
# failure anywhere leaves the previous release untouched.


# Validated tables, their description (the Frictionless data package) and the database
# DDL, all three from the schemas.
rule validated_tables:
    input:
        interim=all_interim_files(),
        summaries=extraction_summaries(),
        reviews=REVIEW_SET,
        texts=all_review_texts(),
        layouts=vocabulary("table_layouts.yaml"),
        code=code("validated_tables"),
    output:
        parquet=staged_parquet(),
        datapackage=f"{OUT}/staging/datapackage.json",
        schema_sql=f"{OUT}/staging/schema.sql",
    log:
        f"{OUT}/logs/validated_tables.log",
    benchmark:
        f"{OUT}/benchmarks/validated_tables.tsv"
    params:
        out_dir=folder_of("output", "parquet"),
        report_dir=f"{OUT}/logs/validation",
    script:
        "../scripts/validated_tables.py"


rule database:
    input:
        parquet=staged_parquet(),
        schema_sql=f"{OUT}/staging/schema.sql",
        datapackage=f"{OUT}/staging/datapackage.json",
        views=f"{SQL_DIR}/views.sql",
        code=code("database"),
    output:
        f"{OUT}/staging/review.duckdb",
    log:
        f"{OUT}/logs/database.log",
    benchmark:
        f"{OUT}/benchmarks/database.tsv"
    params:
        parquet_dir=folder_of("input", "parquet"),
    script:
        "../scripts/database.py"


rule report:
    input:
        parquet=staged_parquet(),
        datapackage=f"{OUT}/staging/datapackage.json",
        views=f"{SQL_DIR}/views.sql",
        code=code("report"),
    output:
        f"{OUT}/staging/report.html",
    log:
        f"{OUT}/logs/report.log",
    benchmark:
        f"{OUT}/benchmarks/report.tsv"
    params:
        parquet_dir=folder_of("input", "parquet"),
    script:
        "../scripts/report.py"


# Publication: a new folder outputs/releases/<id>/ receives a full copy of the staged
# release, then outputs/current switches to it by one atomic rename (tidyreview.release).
# The published files are not declared outputs (Snakemake deletes declared outputs before
# a job and after its failure); the stamp is.
rule published_dataset:
    input:
        staged=staged_release(),
        code=code("published_dataset"),
    output:
        PUBLISHED_STAMP,
    log:
        f"{OUT}/logs/published_dataset.log",
    params:
        out_dir=release_root,
        names=release_names(),
        allow_shrink=flag_value(config.get("allow_shrink", False)),
        max_shrink=float(config.get("max_shrink", 0.5)),
    script:
        "../scripts/published_dataset.py"
