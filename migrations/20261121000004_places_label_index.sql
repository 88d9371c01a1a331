-- Indexes the benchmark showed were missing.
-- A place field resolves what was typed by its exact label first.
CREATE INDEX places_label_idx ON places (label);

-- The sweep expires open parcels whose deadline passed.
CREATE INDEX parcels_deadline_idx ON parcels (deliver_by) WHERE status IN ('open', 'in_review');
