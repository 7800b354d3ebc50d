-- The portal's dashboard and the export ask which files the positions came from, and whether
-- some positions have no file or no cells (then the export takes the union of the columns):
-- two questions that read every row without these indexes, which answer them alone (the
-- second one is empty unless positions were imported before the cells were kept).
CREATE INDEX positions_import ON positions (import_id);
CREATE INDEX positions_unattached ON positions (id) WHERE import_id IS NULL OR cells IS NULL;
