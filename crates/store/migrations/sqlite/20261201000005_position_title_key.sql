-- The normalised title of each position (metiers_referentiel::text::slug of its title), so
-- that a review reclassifies the unreviewed positions of the same title with one indexed
-- query instead of reading every title. Positions imported before have none (NULL): they are
-- still found by reading their titles, until a re-import writes the key.
ALTER TABLE positions ADD COLUMN title_key TEXT;
CREATE INDEX positions_title_key ON positions (title_key);
