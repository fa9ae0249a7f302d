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
