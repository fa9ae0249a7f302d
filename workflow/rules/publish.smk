# Validation, database and publication of all documents' tables.


rule validated_tables:
    input:
        interim=all_interim_files(),
        texts=all_review_texts(),
        schemas=schema_files(),
        code=code("publish", "metadata"),
    output:
        staged_parquet(),
    log:
        f"{OUT}/logs/validated_tables.log",
    params:
        out_dir=f"{OUT}/staging/parquet",
        report_dir=f"{OUT}/logs/validation",
    script:
        "../scripts/validated_tables.py"


rule database:
    input:
        parquet=staged_parquet(),
        views=SQL_DIR / "views.sql",
        code=code("database", "metadata"),
    output:
        f"{OUT}/staging/review.duckdb",
    log:
        f"{OUT}/logs/database.log",
    params:
        parquet_dir=f"{OUT}/staging/parquet",
    script:
        "../scripts/database.py"


rule published_dataset:
    input:
        parquet=staged_parquet(),
        database=f"{OUT}/staging/review.duckdb",
    output:
        published_files(),
    log:
        f"{OUT}/logs/published_dataset.log",
    script:
        "../scripts/published_dataset.py"


rule datapackage:
    input:
        published_files(),
        schemas=schema_files(),
        code=code("metadata"),
    output:
        f"{OUT}/datapackage.json",
    log:
        f"{OUT}/logs/datapackage.log",
    script:
        "../scripts/datapackage.py"


rule report:
    input:
        database=f"{OUT}/review.duckdb",
        code=code("report", "metadata"),
    output:
        f"{OUT}/report.html",
    log:
        f"{OUT}/logs/report.log",
    script:
        "../scripts/report.py"
