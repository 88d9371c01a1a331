-- Reviews and reputation (PRODUCT §10): after completion each side may review the other within
-- a window; a review stays hidden until both have reviewed or the window closes (double-blind).
CREATE TABLE reviews (
    id            bigserial PRIMARY KEY,
    booking_id    uuid NOT NULL REFERENCES bookings (id),
    author_id     uuid NOT NULL REFERENCES users (id),
    subject_id    uuid NOT NULL REFERENCES users (id),
    -- The role of the member reviewed: a traveler is reviewed by the sender, and the other way.
    subject_role  text NOT NULL CHECK (subject_role IN ('sender', 'traveler')),
    stars         smallint NOT NULL CHECK (stars BETWEEN 1 AND 5),
    communication smallint CHECK (communication BETWEEN 1 AND 5),
    punctuality   smallint CHECK (punctuality BETWEEN 1 AND 5),
    care          smallint CHECK (care BETWEEN 1 AND 5),
    comment       text NOT NULL DEFAULT '' CHECK (char_length(comment) <= 2000),
    created_at    timestamptz NOT NULL DEFAULT now(),
    -- Set when both sides have reviewed, or by the job that runs when the window closes.
    published_at  timestamptz,
    UNIQUE (booking_id, author_id),
    CHECK (author_id <> subject_id)
);
CREATE INDEX reviews_subject_idx ON reviews (subject_id, subject_role, published_at DESC)
    WHERE published_at IS NOT NULL;

INSERT INTO settings (key, value) VALUES ('review_window_days', '14') ON CONFLICT (key) DO NOTHING;
