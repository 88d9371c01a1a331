-- Chat (PRODUCT §8), notifications (§9) and route alerts (§5).

-- One conversation per parcel–trip pair, between the parcel's sender and the trip's traveler.
CREATE TABLE conversations (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    parcel_id       uuid NOT NULL REFERENCES parcels (id),
    trip_id         uuid NOT NULL REFERENCES trips (id),
    sender_id       uuid NOT NULL REFERENCES users (id),
    traveler_id     uuid NOT NULL REFERENCES users (id),
    created_at      timestamptz NOT NULL DEFAULT now(),
    last_message_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (parcel_id, trip_id),
    CHECK (sender_id <> traveler_id)
);
CREATE INDEX conversations_sender_idx ON conversations (sender_id, last_message_at DESC);
CREATE INDEX conversations_traveler_idx ON conversations (traveler_id, last_message_at DESC);

-- Messages are stored as written; masking happens when they are shown.
CREATE TABLE messages (
    id              bigserial PRIMARY KEY,
    conversation_id uuid NOT NULL REFERENCES conversations (id),
    author_id       uuid NOT NULL REFERENCES users (id),
    body            text NOT NULL DEFAULT '' CHECK (char_length(body) <= 4000),
    image_file      text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    read_at         timestamptz,
    CHECK (body <> '' OR image_file IS NOT NULL)
);
CREATE INDEX messages_conversation_idx ON messages (conversation_id, id);
CREATE INDEX messages_unread_idx ON messages (conversation_id, author_id) WHERE read_at IS NULL;

CREATE TABLE message_reports (
    id          bigserial PRIMARY KEY,
    message_id  bigint NOT NULL REFERENCES messages (id),
    reporter_id uuid NOT NULL REFERENCES users (id),
    reason      text NOT NULL CHECK (char_length(reason) BETWEEN 1 AND 1000),
    created_at  timestamptz NOT NULL DEFAULT now(),
    resolved_at timestamptz,
    UNIQUE (message_id, reporter_id)
);

-- The notification centre. A dedupe key keeps one unread notification per subject (a
-- conversation's new messages: one until it is read, not one per message).
CREATE TABLE notifications (
    id         bigserial PRIMARY KEY,
    user_id    uuid NOT NULL REFERENCES users (id),
    kind       text NOT NULL,
    title      text NOT NULL,
    body       text NOT NULL DEFAULT '',
    link       text NOT NULL DEFAULT '',
    dedupe_key text,
    created_at timestamptz NOT NULL DEFAULT now(),
    read_at    timestamptz
);
CREATE INDEX notifications_user_idx ON notifications (user_id, id DESC);
CREATE INDEX notifications_unread_idx ON notifications (user_id) WHERE read_at IS NULL;
CREATE UNIQUE INDEX notifications_one_unread ON notifications (user_id, dedupe_key)
    WHERE read_at IS NULL AND dedupe_key IS NOT NULL;

-- Email on or off per kind (in-app is always on). No row: the kind's default.
CREATE TABLE notification_prefs (
    user_id uuid NOT NULL REFERENCES users (id),
    kind    text NOT NULL,
    email   boolean NOT NULL,
    PRIMARY KEY (user_id, kind)
);

-- A saved search: its route (metro areas), and its filters as columns, so one indexed query
-- finds the alerts a new listing matches.
CREATE TABLE alerts (
    id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id              uuid NOT NULL REFERENCES users (id),
    kind                 text NOT NULL CHECK (kind IN ('trips', 'parcels')),
    origin_metro_id      integer NOT NULL REFERENCES places (id),
    destination_metro_id integer NOT NULL REFERENCES places (id),
    date_from            date,
    date_to              date,
    category             text,
    currency             text,
    -- Trips: the highest price per kg. Parcels: the lowest reward.
    money_minor          bigint,
    min_rating_x100      integer,
    verified_only        boolean NOT NULL DEFAULT false,
    max_weight_g         integer,
    -- The search's address, to open it again, and its words.
    query                text NOT NULL,
    label                text NOT NULL,
    paused               boolean NOT NULL DEFAULT false,
    created_at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX alerts_route_idx ON alerts (kind, origin_metro_id, destination_metro_id)
    WHERE NOT paused;
CREATE INDEX alerts_user_idx ON alerts (user_id, created_at DESC);

-- At most one notification per listing per alert.
CREATE TABLE alert_hits (
    alert_id   uuid NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
    listing_id uuid NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (alert_id, listing_id)
);
