# Per-document extraction: one rule per stage, each writing that stage's tables.


rule structure:
    input:
        text=review_text,
        code=code("structure", "layout", "source", "stages"),
    output:
        **stage_outputs("structure"),
    log:
        f"{OUT}/logs/structure/{{doc_id}}.log",
    params:
        stage="structure",
    script:
        "../scripts/stage.py"
