# Per-document extraction: one rule per stage, each writing that stage's tables.
# A stage that reads curated vocabularies lists them as inputs (vocabulary("agents.csv"))
# and gets their folder as params.vocabularies. Each rule's code inputs are the package
# files it runs, from the import graph (code("structure"), generated into tables.json).


rule pdf_text:
    input:
        pdf=review_pdf,
        code=code("pdf_text"),
    output:
        derived=f"{OUT}/interim/{{doc_id}}/source/{{doc_id}}.derived.json",
    log:
        f"{OUT}/logs/pdf_text/{{doc_id}}.log",
    benchmark:
        f"{OUT}/benchmarks/pdf_text/{{doc_id}}.tsv"
    script:
        "../scripts/pdf_text.py"


rule structure:
    input:
        text=review_text,
        citation=review_citation_file,
        code=code("structure"),
    output:
        **stage_outputs("structure"),
    log:
        f"{OUT}/logs/structure/{{doc_id}}.log",
    benchmark:
        f"{OUT}/benchmarks/structure/{{doc_id}}.tsv"
    params:
        stage="structure",
    script:
        "../scripts/stage.py"


rule references:
    input:
        text=review_text,
        code=code("references"),
    output:
        **stage_outputs("references"),
    log:
        f"{OUT}/logs/references/{{doc_id}}.log",
    benchmark:
        f"{OUT}/benchmarks/references/{{doc_id}}.tsv"
    params:
        stage="references",
    script:
        "../scripts/stage.py"


rule review_tables:
    input:
        text=review_text,
        vocabularies=vocabulary("table_layouts.yaml"),
        code=code("review_tables"),
    output:
        **stage_outputs("review_tables"),
    log:
        f"{OUT}/logs/review_tables/{{doc_id}}.log",
    benchmark:
        f"{OUT}/benchmarks/review_tables/{{doc_id}}.tsv"
    params:
        stage="review_tables",
        vocabularies=folder_of("input", "vocabularies"),
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
            "ctcae/ctcae_v5.0_terms.csv",
            "ctcae_synonyms.csv",
            "ctcae_excluded.csv",
            "regulatory_cues.csv",
            "table_facts.yaml",
        ),
        code=code("annotations"),
    output:
        **stage_outputs("annotations"),
    log:
        f"{OUT}/logs/annotations/{{doc_id}}.log",
    benchmark:
        f"{OUT}/benchmarks/annotations/{{doc_id}}.tsv"
    params:
        stage="annotations",
        vocabularies=folder_of("input", "vocabularies"),
    script:
        "../scripts/stage.py"


rule entities:
    input:
        **stage_inputs("entities"),
        text=review_text,
        vocabularies=vocabulary(
            "agents.csv",
            "not_agents.csv",
            "named_studies.csv",
            "table_layouts.yaml",
            "drugbank/drugbank_vocabulary.csv",
            "drugbank_exclusions.csv",
            "inn_stems.csv",
            "agent_classes.csv",
            "cancer_sites.csv",
        ),
        code=code("entities"),
    output:
        **stage_outputs("entities"),
    log:
        f"{OUT}/logs/entities/{{doc_id}}.log",
    benchmark:
        f"{OUT}/benchmarks/entities/{{doc_id}}.tsv"
    params:
        stage="entities",
        vocabularies=folder_of("input", "vocabularies"),
        options={"curated_lexicon": CURATED_LEXICON},
    script:
        "../scripts/stage.py"


# The end of one review's extraction: its row counts per interim table. It ties the
# review's stages into one connected part of the DAG, which a cluster profile runs as one
# job (group "review" in profiles/slurm). A script, not `run:`: Snakemake runs a `run:`
# job in a new Snakemake process that parses the whole workflow again.
rule review_extracted:
    input:
        interim=review_interim_files,
        code=code("review_extracted"),
    output:
        f"{OUT}/interim/{{doc_id}}/extracted.json",
    log:
        f"{OUT}/logs/review_extracted/{{doc_id}}.log",
    script:
        "../scripts/review_extracted.py"
