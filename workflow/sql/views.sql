-- Ready-made views over the published tables (documented in the README).

-- Sections with their paragraph counts, in document order.
CREATE VIEW section_overview AS
SELECT s.doc_id, s.section_id, s.title, s.level, s.parent_section_id,
       count(p.paragraph_id) AS n_paragraphs
FROM sections s
LEFT JOIN paragraphs p USING (doc_id, section_id)
GROUP BY ALL
ORDER BY s.doc_id, min(s.ordinal);
