# Per-document extraction: one rule per stage, each writing that stage's tables.
# A stage that reads curated vocabularies lists them as inputs (vocabulary("agents.csv"))
# and gets the folder as params.vocabularies.


rule pdf_text:
    input:
        pdf=review_pdf,
        code=code("source", "files", "runner"),
    output:
        derived=f"{OUT}/interim/{{doc_id}}/source/{{doc_id}}.derived.json",
    log:
        f"{OUT}/logs/pdf_text/{{doc_id}}.log",
    script:
        "../scripts/pdf_text.py"


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
        vocabularies=VOCAB_DIR,
    script:
        "../scripts/stage.py"


rule references:
    input:
        text=review_text,
        code=code("references", "citations", "layout", "quality", "source", "stages"),
    output:
        **stage_outputs("references"),
    log:
        f"{OUT}/logs/references/{{doc_id}}.log",
    params:
        stage="references",
        vocabularies=VOCAB_DIR,
    script:
        "../scripts/stage.py"


rule review_tables:
    input:
        text=review_text,
        layouts=vocabulary("table_layouts.yaml"),
        code=code("review_tables", "layout", "quality", "sentences", "source", "stages"),
    output:
        **stage_outputs("tables"),
    log:
        f"{OUT}/logs/review_tables/{{doc_id}}.log",
    params:
        stage="tables",
        vocabularies=VOCAB_DIR,
    script:
        "../scripts/stage.py"


rule annotations:
    input:
        text=review_text,
        vocabularies=vocabulary(
            "agents.csv",
            "not_agents.csv",
            "named_studies.csv",
            "table_layouts.yaml",
            "adverse_event_terms.csv",
            "agent_classes.csv",
            "regulatory_bodies.csv",
            "measures.csv",
        ),
        code=code(
            "annotations",
            "abbreviations",
            "entities",
            "lexicon",
            "review_tables",
            "sentences",
            "layout",
            "quality",
            "source",
            "stages",
        ),
    output:
        **stage_outputs("annotations"),
    log:
        f"{OUT}/logs/annotations/{{doc_id}}.log",
    params:
        stage="annotations",
        vocabularies=VOCAB_DIR,
    script:
        "../scripts/stage.py"


rule entities:
    input:
        text=review_text,
        vocabularies=vocabulary(
            "agents.csv", "not_agents.csv", "named_studies.csv", "table_layouts.yaml"
        ),
        code=code(
            "entities",
            "lexicon",
            "review_tables",
            "abbreviations",
            "sentences",
            "layout",
            "quality",
            "source",
            "stages",
        ),
    output:
        **stage_outputs("entities"),
    log:
        f"{OUT}/logs/entities/{{doc_id}}.log",
    params:
        stage="entities",
        vocabularies=VOCAB_DIR,
    script:
        "../scripts/stage.py"
