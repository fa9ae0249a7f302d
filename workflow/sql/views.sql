-- Ready-made views over the published tables (documented in the README).

-- Sections with their paragraph counts, in document order.
CREATE VIEW section_overview AS
SELECT s.doc_id, s.section_id, s.title, s.level, s.parent_section_id,
       count(p.paragraph_id) AS n_paragraphs
FROM sections s
LEFT JOIN paragraphs p USING (doc_id, section_id)
GROUP BY ALL
ORDER BY s.doc_id, min(s.ordinal);

-- "references" is a reserved word in SQL; this view spares the quoting.
CREATE VIEW reference_list AS
SELECT * FROM "references";

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

-- One row per trial: its facts, its agents and where the review cites it.
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
)
SELECT t.trial_id, t.registry, t.acronyms, t.phase, t.status, t.enrollment,
       ag.agents, p.sections, p.tables, t.n_mentions
FROM trials t
LEFT JOIN agents_of ag USING (trial_id)
LEFT JOIN places p USING (trial_id)
ORDER BY t.trial_id;
