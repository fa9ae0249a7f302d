# Validation, database, report and publication of all documents' tables. Everything is
# built under staging/ first; published_dataset then copies it into place by atomic
# renames, so a failure anywhere leaves the previous release untouched.


# Validated tables, their description (the Frictionless data package) and the database
# DDL, all three from the schemas.
rule validated_tables:
    input:
        interim=all_interim_files(),
        texts=all_review_texts(),
        code=code("validated_tables"),
    output:
        parquet=staged_parquet(),
        datapackage=f"{OUT}/staging/datapackage.json",
        schema_sql=f"{OUT}/staging/schema.sql",
    log:
        f"{OUT}/logs/validated_tables.log",
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
    params:
        parquet_dir=folder_of("input", "parquet"),
    script:
        "../scripts/report.py"


rule published_dataset:
    input:
        staged=staged_release(),
        code=code("published_dataset"),
    output:
        published_files(),
    log:
        f"{OUT}/logs/published_dataset.log",
    script:
        "../scripts/published_dataset.py"
