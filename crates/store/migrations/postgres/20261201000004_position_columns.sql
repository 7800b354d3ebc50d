-- Every column of an imported file is kept (issue 15): the import's kept headers, in the
-- file's order, as a JSON array of texts; each position's values for them as a JSON array
-- aligned with its import's headers (the position's import is the last that wrote it).
-- Positions imported before have no original columns (NULL): exports show them as before.
ALTER TABLE imports ADD COLUMN columns TEXT;
ALTER TABLE positions ADD COLUMN cells TEXT;
-- What the HR columns (catégorie, code ROME) weighed on the suggestions: a JSON array of
-- French sentences.
ALTER TABLE positions ADD COLUMN evidence TEXT;
