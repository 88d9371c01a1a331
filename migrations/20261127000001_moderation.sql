-- Reports and moderation (PRODUCT §11): members report a member, a trip or a parcel (messages
-- have their own reports); an admin decides: dismiss, warn, remove the listing, suspend for
-- some days, or ban. Suspended and banned members' listings are hidden from search and
-- matching (`in_good_standing`), and nobody can book them.
CREATE TABLE reports (
    id           bigserial PRIMARY KEY,
    reporter_id  uuid NOT NULL REFERENCES users (id),
    -- The member the report is about: the listing's owner for a trip or a parcel.
    member_id    uuid NOT NULL REFERENCES users (id),
    trip_id      uuid REFERENCES trips (id),
    parcel_id    uuid REFERENCES parcels (id),
    reason       text NOT NULL CHECK (reason IN ('prohibited', 'fraud', 'abuse', 'spam', 'other')),
    note         text NOT NULL DEFAULT '' CHECK (char_length(note) <= 2000),
    created_at   timestamptz NOT NULL DEFAULT now(),
    decided_at   timestamptz,
    decided_by   uuid REFERENCES users (id),
    action       text CHECK (action IN ('dismiss', 'warn', 'remove_listing', 'suspend', 'ban')),
    decision_reason text NOT NULL DEFAULT '' CHECK (char_length(decision_reason) <= 2000),
    CHECK (trip_id IS NULL OR parcel_id IS NULL),
    CHECK (reporter_id <> member_id),
    CHECK ((decided_at IS NULL) = (action IS NULL))
);
-- One open report per reporter and subject: reporting twice is not two reports.
CREATE UNIQUE INDEX reports_open_once ON reports (reporter_id, member_id,
    coalesce(trip_id, parcel_id, member_id)) WHERE decided_at IS NULL;
CREATE INDEX reports_open_idx ON reports (created_at) WHERE decided_at IS NULL;

-- Whether a member's listings may be shown and booked: active, or a suspension that is over.
CREATE FUNCTION in_good_standing(member uuid) RETURNS boolean
    LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM users WHERE id = member
        AND (status = 'active' OR (status = 'suspended' AND suspended_until <= now())))
$$;
