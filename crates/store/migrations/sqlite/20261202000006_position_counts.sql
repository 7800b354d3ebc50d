-- The dashboard counts positions, agents and reviewed positions per occupation: an index that
-- holds those three columns answers it without reading the rows, which carry the file's
-- cells and the evidence. It also serves the lookups by occupation, as the index it replaces
-- did.
DROP INDEX positions_occupation;
CREATE INDEX positions_counts ON positions (occupation_id, status, headcount);
