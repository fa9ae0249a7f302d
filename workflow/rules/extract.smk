# Per-document extraction: one rule per stage, each writing that stage's tables.
# A stage that reads curated vocabularies lists them as inputs (vocabulary("agents.csv"))
# and gets the folder as params.vocabularies.


rule structure:
    input:
        text=review_text,
        code=code("structure", "layout", "patterns", "source", "stages"),
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
        code=code(
            "references",
            "reference_fields",
            "citations",
            "layout",
            "patterns",
            "quality",
            "source",
            "stages",
        ),
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
        code=code(
            "review_tables",
            "table_layouts",
            "table_cells",
            "tidy_tables",
            "table_flags",
            "ctgov",
            "layout",
            "patterns",
            "quality",
            "sentences",
            "source",
            "stages",
        ),
    output:
        **stage_outputs("review_tables"),
    log:
        f"{OUT}/logs/review_tables/{{doc_id}}.log",
    params:
        stage="review_tables",
        vocabularies=VOCAB_DIR,
    script:
        "../scripts/stage.py"


rule annotations:
    input:
        **stage_inputs("annotations"),
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
            "sentence_subjects",
            "evidence",
            "adverse_events",
            "regulatory_events",
            "development_stages",
            "findings",
            "abbreviations",
            "lexicon",
            "patterns",
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
        **stage_inputs("entities"),
        text=review_text,
        vocabularies=vocabulary(
            "agents.csv", "not_agents.csv", "named_studies.csv", "table_layouts.yaml"
        ),
        code=code(
            "entities",
            "agent_mentions",
            "trials",
            "trial_agents",
            "entity_flags",
            "lexicon",
            "abbreviations",
            "references",
            "reference_fields",
            "patterns",
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
