-- A place field resolves what was typed by its exact label first.
CREATE INDEX places_label_idx ON places (label);
