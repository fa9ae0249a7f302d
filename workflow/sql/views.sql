-- Ready-made views over the published tables (documented in the README).
-- Each view is followed by a COMMENT on it and on every one of its columns: this file is
-- the one place they are written (tests check no view column lacks a comment).

-- Sections with their paragraph counts, in document order.
CREATE VIEW section_overview AS
SELECT s.doc_id, s.section_id, s.title, s.level, s.parent_section_id,
       count(p.paragraph_id) AS n_paragraphs
FROM sections s
LEFT JOIN paragraphs p USING (doc_id, section_id)
GROUP BY ALL
ORDER BY s.doc_id, min(s.ordinal);

COMMENT ON VIEW section_overview IS 'One row per section heading, in document order, with its number of body paragraphs.';
COMMENT ON COLUMN section_overview.doc_id IS 'Review the section belongs to (documents.doc_id).';
COMMENT ON COLUMN section_overview.section_id IS 'Section number as printed (2.1.3), or the generated id of an unnumbered subheading (2.1.2.a).';
COMMENT ON COLUMN section_overview.title IS 'Heading text as printed, without the number.';
COMMENT ON COLUMN section_overview.level IS 'Depth: 1 for 2., 2 for 2.1., ...; a subheading is one deeper than its parent.';
COMMENT ON COLUMN section_overview.parent_section_id IS 'Enclosing section, NULL for top-level sections.';
COMMENT ON COLUMN section_overview.n_paragraphs IS 'Body paragraphs directly under this heading (not counting subsections).';

-- "references" is a reserved word in SQL; this view spares the quoting.
CREATE VIEW reference_list AS
SELECT * FROM "references";

COMMENT ON VIEW reference_list IS 'The "references" table (reference-list entries) under a name that needs no quoting.';
-- Its columns take the comments of the "references" columns (database.VIEW_ALIASES).

-- Citations per section: markers, cited-reference rows and distinct references.
CREATE VIEW citations_per_section AS
SELECT s.doc_id, s.section_id, s.title,
       count(DISTINCT c.start) AS n_markers,
       count(c.ref_id) AS n_citations,
       count(DISTINCT c.ref_id) AS n_distinct_references
FROM sections s
LEFT JOIN citations c USING (doc_id, section_id)
GROUP BY ALL
ORDER BY s.doc_id, min(s.ordinal);

COMMENT ON VIEW citations_per_section IS 'One row per section, in document order, with how much it cites.';
COMMENT ON COLUMN citations_per_section.doc_id IS 'Review the section belongs to.';
COMMENT ON COLUMN citations_per_section.section_id IS 'Section number as printed, or the id of an unnumbered subheading.';
COMMENT ON COLUMN citations_per_section.title IS 'Heading text as printed, without the number.';
COMMENT ON COLUMN citations_per_section.n_markers IS 'Citation markers in the section ([81,86-88] counts once).';
COMMENT ON COLUMN citations_per_section.n_citations IS 'Cited-reference rows: one per marker and reference number ([81,86-88] counts four).';
COMMENT ON COLUMN citations_per_section.n_distinct_references IS 'Distinct references the section cites.';

-- One row per agent: what it is, how far the review says it got, where it appears.
CREATE VIEW agent_overview AS
WITH stages AS (
    SELECT agent_id,
           -- the most advanced stage any document states
           arg_min(stage, CASE stage WHEN 'approved' THEN 0 WHEN 'phase_3' THEN 1
                                      WHEN 'phase_2' THEN 2 WHEN 'phase_1' THEN 3
                                      ELSE 4 END) AS highest_stage
    FROM agent_development_stages
    GROUP BY agent_id
),
trials_of AS (
    SELECT agent_id, count(DISTINCT trial_id) AS n_trials,
           list(DISTINCT trial_id ORDER BY trial_id) AS trial_ids
    FROM trial_agents
    GROUP BY agent_id
),
mentions AS (
    SELECT agent_id, count(*) AS n_mentions,
           list(DISTINCT table_id ORDER BY table_id) FILTER (WHERE table_id IS NOT NULL) AS table_ids
    FROM agent_mentions
    GROUP BY agent_id
)
SELECT a.agent_id, a.name, a.modality, a.targets, a.her2_directed,
       s.highest_stage,
       coalesce(t.n_trials, 0) AS n_trials, t.trial_ids,
       coalesce(m.n_mentions, 0) AS n_mentions, m.table_ids
FROM agents a
LEFT JOIN stages s USING (agent_id)
LEFT JOIN trials_of t USING (agent_id)
LEFT JOIN mentions m USING (agent_id)
ORDER BY a.agent_id;

COMMENT ON VIEW agent_overview IS 'One row per agent: what it is, the most advanced stage the review states, its trials and where it is mentioned.';
COMMENT ON COLUMN agent_overview.agent_id IS 'Stable agent id from the curated lexicon (agents.agent_id).';
COMMENT ON COLUMN agent_overview.name IS 'Canonical name (INN when there is one).';
COMMENT ON COLUMN agent_overview.modality IS 'Kind of agent (fixed vocabulary: antibody_drug_conjugate, tyrosine_kinase_inhibitor, ...).';
COMMENT ON COLUMN agent_overview.targets IS 'Molecular targets as the review states them; empty when it states none.';
COMMENT ON COLUMN agent_overview.her2_directed IS 'Whether the agent is directed at HER2.';
COMMENT ON COLUMN agent_overview.highest_stage IS 'Most advanced development stage any review states (approved, phase_3, phase_2, phase_1, preclinical); NULL when none is stated.';
COMMENT ON COLUMN agent_overview.n_trials IS 'Distinct trials linked to the agent (trial_agents), 0 when none.';
COMMENT ON COLUMN agent_overview.trial_ids IS 'Those trials'' registry identifiers, sorted; NULL when none.';
COMMENT ON COLUMN agent_overview.n_mentions IS 'Occurrences of the agent''s name in text, captions and table cells (agent_mentions rows).';
COMMENT ON COLUMN agent_overview.table_ids IS 'Source tables mentioning the agent (T1..T4), sorted; empty or NULL when none.';

-- One row per trial: its facts, its agents and where the review cites it. Phase and
-- status are what the tables state, else what the prose states (phase_source and
-- status_source say which).
CREATE VIEW trial_overview AS
WITH agents_of AS (
    SELECT ta.trial_id, list(DISTINCT a.name ORDER BY a.name) AS agents
    FROM trial_agents ta JOIN agents a USING (agent_id)
    GROUP BY ta.trial_id
),
places AS (
    SELECT trial_id,
           list(DISTINCT section_id ORDER BY section_id) FILTER (WHERE section_id IS NOT NULL) AS sections,
           list(DISTINCT table_id ORDER BY table_id) FILTER (WHERE table_id IS NOT NULL) AS tables
    FROM trial_mentions
    WHERE trial_id IS NOT NULL
    GROUP BY trial_id
),
stated AS (
    SELECT trial_id,
           bool_or(phase IS NOT NULL) AS phase_in_table,
           bool_or(status IS NOT NULL) AS status_in_table,
           sum(n_mentions)::INTEGER AS n_mentions
    FROM trial_statements
    GROUP BY trial_id
)
SELECT t.trial_id, t.registry, t.acronyms,
       t.phase,
       CASE WHEN t.phase IS NULL THEN NULL
            WHEN s.phase_in_table THEN 'table' ELSE 'text' END AS phase_source,
       t.status,
       CASE WHEN t.status IS NULL THEN NULL
            WHEN s.status_in_table THEN 'table' ELSE 'text' END AS status_source,
       t.enrollment,
       ag.agents, p.sections, p.tables, s.n_mentions, t.doc_ids
FROM trials t
LEFT JOIN agents_of ag USING (trial_id)
LEFT JOIN places p USING (trial_id)
LEFT JOIN stated s USING (trial_id)
ORDER BY t.trial_id;

COMMENT ON VIEW trial_overview IS 'One row per trial: registry, acronyms, the phase and status the review states (tables first, then prose), enrollment, its agents and where the review cites it.';
COMMENT ON COLUMN trial_overview.trial_id IS 'Registry identifier (NCT or EudraCT number).';
COMMENT ON COLUMN trial_overview.registry IS 'Registry the identifier belongs to (ClinicalTrials.gov or EudraCT).';
COMMENT ON COLUMN trial_overview.acronyms IS 'Study names the tables or the text tie to the identifier.';
COMMENT ON COLUMN trial_overview.phase IS 'Phase the reviews state (ClinicalTrials.gov vocabulary): trials.phase, the consensus of each review''s tables, else its prose (trial_statements); NULL when none states one or reviews disagree.';
COMMENT ON COLUMN trial_overview.phase_source IS 'Where phase comes from: table or text; NULL when no phase is stated.';
COMMENT ON COLUMN trial_overview.status IS 'Recruitment status the reviews state (ClinicalTrials.gov vocabulary): trials.status, by the same rule as phase.';
COMMENT ON COLUMN trial_overview.status_source IS 'Where status comes from: table or text; NULL when no status is stated.';
COMMENT ON COLUMN trial_overview.enrollment IS 'Number of patients as a table states it.';
COMMENT ON COLUMN trial_overview.agents IS 'Names of the agents the trial tests (trial_agents), sorted; NULL when none is linked.';
COMMENT ON COLUMN trial_overview.sections IS 'Sections mentioning the trial by identifier or study name, sorted.';
COMMENT ON COLUMN trial_overview.tables IS 'Source tables mentioning the trial (T1..T4), sorted.';
COMMENT ON COLUMN trial_overview.n_mentions IS 'Occurrences of the identifier or a tied study name (trial_mentions rows).';
COMMENT ON COLUMN trial_overview.doc_ids IS 'The reviews naming the trial (trials.doc_ids).';
