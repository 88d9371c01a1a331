-- A trip's ticket or boarding pass: private to the traveler and admins, the evidence for the
-- confirmed-traveler badge (the admin queue that checks it comes with the admin pages).
ALTER TABLE trips
    ADD COLUMN ticket_file text,
    ADD COLUMN ticket_status text NOT NULL DEFAULT 'none'
        CHECK (ticket_status IN ('none', 'submitted', 'confirmed', 'rejected')),
    ADD COLUMN ticket_uploaded_at timestamptz;
