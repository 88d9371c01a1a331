-- The marketplace core: places, trips, parcels, risk screening, bookings up to acceptance,
-- settings and the job queue.

CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS unaccent;

-- Places are loaded at start-up from the data files built into the server (see places::seed).
CREATE TABLE countries (
    code       char(2) PRIMARY KEY,
    iso3       char(3) NOT NULL,
    name       text NOT NULL,
    continent  char(2) NOT NULL,
    currency   text NOT NULL,
    population bigint NOT NULL
);

-- Cities (GeoNames id) and airports (id above 100,000,000 + position) in one table, so a trip
-- or parcel refers to either. Every place belongs to a metro area: a city to itself, an airport
-- to its nearest city.
CREATE TABLE places (
    id         integer PRIMARY KEY,
    kind       text NOT NULL CHECK (kind IN ('city', 'airport')),
    name       text NOT NULL,
    iata       char(3) UNIQUE,
    country    char(2) NOT NULL REFERENCES countries (code),
    lat        double precision NOT NULL,
    lon        double precision NOT NULL,
    tz         text NOT NULL,
    population integer NOT NULL DEFAULT 0,
    metro_id   integer NOT NULL REFERENCES places (id) DEFERRABLE INITIALLY DEFERRED,
    label      text NOT NULL,
    -- Lower-case, accents removed: "paris charles de gaulle international airport cdg france".
    search     text NOT NULL
);
CREATE INDEX places_search_trgm ON places USING gin (search gin_trgm_ops);
CREATE INDEX places_metro_idx ON places (metro_id);
CREATE INDEX places_lat_idx ON places (lat) WHERE kind = 'city';

-- Run-time settings an admin can change (PRODUCT "(setting)"). Read by the services.
CREATE TABLE settings (
    key        text PRIMARY KEY,
    value      jsonb NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO settings (key, value) VALUES
    ('booking_cutoff_hours', '12'),
    ('request_ttl_hours', '48'),
    ('risk_review_threshold', '50'),
    ('match_radius_km', '50'),
    ('max_counter_rounds', '3');

CREATE TABLE prohibited_keywords (
    keyword    text PRIMARY KEY CHECK (keyword = lower(keyword) AND keyword <> ''),
    created_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO prohibited_keywords (keyword) VALUES
    ('weapon'), ('gun'), ('pistol'), ('rifle'), ('ammunition'), ('ammo'), ('knife'), ('explosive'),
    ('firework'), ('gunpowder'), ('drug'), ('cocaine'), ('heroin'), ('cannabis'), ('marijuana'),
    ('weed'), ('counterfeit'), ('replica'), ('fake'), ('cash'), ('banknote'), ('currency'),
    ('live animal'), ('puppy'), ('kitten'), ('hazardous'), ('poison'), ('acid'), ('lithium battery'),
    ('loose battery'), ('power bank'), ('aerosol'), ('spray can'), ('lighter fluid'), ('gasoline'),
    ('petrol'), ('flammable');

CREATE TABLE high_risk_countries (
    country char(2) PRIMARY KEY
);
INSERT INTO high_risk_countries (country) VALUES ('AF'), ('IQ'), ('KP'), ('LY'), ('SO'), ('SS'), ('SY'), ('YE');

-- Points added to a parcel's risk score; `param` is the rule's threshold where it has one.
CREATE TABLE risk_rules (
    code    text PRIMARY KEY,
    label   text NOT NULL,
    points  integer NOT NULL CHECK (points BETWEEN 0 AND 100),
    param   bigint,
    enabled boolean NOT NULL DEFAULT true
);
INSERT INTO risk_rules (code, label, points, param) VALUES
    ('international', 'International route', 15, NULL),
    ('high_risk_country', 'High-risk country on the route', 15, NULL),
    ('receipt_category', 'Category that needs a receipt (electronics, medicine, cosmetics, food)', 10, NULL),
    ('high_value', 'Declared value of 500 or more', 15, 50000),
    ('heavy', 'Heavy (10 kg or more)', 10, 10000),
    ('new_sender', 'Sender with no completed delivery', 10, NULL),
    ('flagged_keyword', 'Title or description mentions a prohibited item', 50, NULL);

-- Reputation figures the matching score reads (reviews and deliveries fill them in later issues).
ALTER TABLE users
    ADD COLUMN traveler_rating_x100 integer CHECK (traveler_rating_x100 BETWEEN 100 AND 500),
    ADD COLUMN sender_rating_x100 integer CHECK (sender_rating_x100 BETWEEN 100 AND 500),
    ADD COLUMN completed_deliveries integer NOT NULL DEFAULT 0,
    ADD COLUMN on_time_deliveries integer NOT NULL DEFAULT 0,
    ADD COLUMN reliability_strikes integer NOT NULL DEFAULT 0,
    ADD COLUMN phone text NOT NULL DEFAULT '' CHECK (char_length(phone) <= 40);

CREATE TABLE trips (
    id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    traveler_id          uuid NOT NULL REFERENCES users (id),
    origin_id            integer NOT NULL REFERENCES places (id),
    destination_id       integer NOT NULL REFERENCES places (id),
    origin_metro_id      integer NOT NULL REFERENCES places (id),
    destination_metro_id integer NOT NULL REFERENCES places (id),
    stopover_ids         integer[] NOT NULL DEFAULT '{}',
    departs_at           timestamptz NOT NULL,
    arrives_at           timestamptz NOT NULL,
    mode                 text NOT NULL CHECK (mode IN ('plane', 'train', 'bus', 'car', 'ship')),
    capacity_g           integer NOT NULL CHECK (capacity_g BETWEEN 500 AND 50000),
    remaining_g          integer NOT NULL,
    price_per_kg_minor   bigint NOT NULL CHECK (price_per_kg_minor BETWEEN 0 AND 100000000),
    currency             char(3) NOT NULL,
    categories           text[] NOT NULL CHECK (cardinality(categories) > 0),
    notes                text NOT NULL DEFAULT '' CHECK (char_length(notes) <= 2000),
    distance_km          integer NOT NULL,
    status               text NOT NULL DEFAULT 'published'
        CHECK (status IN ('published', 'departed', 'completed', 'cancelled', 'expired')),
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    CHECK (arrives_at > departs_at),
    CHECK (origin_metro_id <> destination_metro_id),
    -- Remaining capacity never goes below zero, even under racing acceptances.
    CHECK (remaining_g BETWEEN 0 AND capacity_g)
);
CREATE INDEX trips_route_idx ON trips (origin_metro_id, destination_metro_id, departs_at)
    WHERE status = 'published';
CREATE INDEX trips_departs_idx ON trips (departs_at) WHERE status = 'published';
CREATE INDEX trips_traveler_idx ON trips (traveler_id, departs_at DESC);

CREATE TABLE parcels (
    id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    sender_id            uuid NOT NULL REFERENCES users (id),
    title                text NOT NULL CHECK (char_length(title) BETWEEN 3 AND 100),
    description          text NOT NULL CHECK (char_length(description) <= 2000),
    category             text NOT NULL CHECK (category IN ('documents', 'clothing', 'electronics',
        'cosmetics', 'medicine', 'sealed_food', 'books', 'gifts', 'other')),
    weight_g             integer NOT NULL CHECK (weight_g BETWEEN 100 AND 30000),
    length_cm            integer NOT NULL CHECK (length_cm BETWEEN 1 AND 200),
    width_cm             integer NOT NULL CHECK (width_cm BETWEEN 1 AND 200),
    height_cm            integer NOT NULL CHECK (height_cm BETWEEN 1 AND 200),
    declared_value_minor bigint NOT NULL CHECK (declared_value_minor BETWEEN 0 AND 100000000),
    currency             char(3) NOT NULL,
    fragile              boolean NOT NULL DEFAULT false,
    pickup_place_id      integer NOT NULL REFERENCES places (id),
    pickup_metro_id      integer NOT NULL REFERENCES places (id),
    pickup_address       text NOT NULL CHECK (char_length(pickup_address) BETWEEN 5 AND 300),
    delivery_place_id    integer NOT NULL REFERENCES places (id),
    delivery_metro_id    integer NOT NULL REFERENCES places (id),
    delivery_address     text NOT NULL CHECK (char_length(delivery_address) BETWEEN 5 AND 300),
    ready_from           date NOT NULL,
    deliver_by           date NOT NULL,
    reward_minor         bigint NOT NULL CHECK (reward_minor BETWEEN 0 AND 100000000),
    recipient_is_sender  boolean NOT NULL,
    recipient_name       text NOT NULL DEFAULT '',
    recipient_phone      text NOT NULL DEFAULT '',
    recipient_email      text NOT NULL DEFAULT '',
    declared_legal       boolean NOT NULL CHECK (declared_legal),
    distance_km          integer NOT NULL,
    risk_score           integer NOT NULL,
    -- The rules that fired, with their points: [{"code": "international", "label": ..., "points": 15}]
    risk_reasons         jsonb NOT NULL DEFAULT '[]',
    flagged_keywords     text[] NOT NULL DEFAULT '{}',
    status               text NOT NULL CHECK (status IN ('in_review', 'open', 'booked', 'picked_up',
        'delivered', 'completed', 'cancelled', 'rejected', 'expired')),
    review_note          text,
    reviewed_by          uuid REFERENCES users (id),
    reviewed_at          timestamptz,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    CHECK (deliver_by >= ready_from),
    CHECK (pickup_metro_id <> delivery_metro_id)
);
CREATE INDEX parcels_route_idx ON parcels (pickup_metro_id, delivery_metro_id, ready_from)
    WHERE status = 'open';
CREATE INDEX parcels_ready_idx ON parcels (ready_from) WHERE status = 'open';
CREATE INDEX parcels_sender_idx ON parcels (sender_id, created_at DESC);
CREATE INDEX parcels_review_idx ON parcels (created_at) WHERE status = 'in_review';

CREATE TABLE parcel_photos (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    parcel_id  uuid NOT NULL REFERENCES parcels (id) ON DELETE CASCADE,
    width      integer NOT NULL,
    height     integer NOT NULL,
    bytes      integer NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX parcel_photos_parcel_idx ON parcel_photos (parcel_id, created_at);

CREATE TABLE bookings (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    parcel_id   uuid NOT NULL REFERENCES parcels (id),
    trip_id     uuid NOT NULL REFERENCES trips (id),
    sender_id   uuid NOT NULL REFERENCES users (id),
    traveler_id uuid NOT NULL REFERENCES users (id),
    initiator   text NOT NULL CHECK (initiator IN ('sender', 'traveler')),
    -- Whose answer the pending request waits for.
    awaiting    text CHECK (awaiting IN ('sender', 'traveler')),
    status      text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'declined',
        'withdrawn', 'expired', 'closed', 'cancelled', 'picked_up', 'delivered', 'completed')),
    price_minor bigint NOT NULL CHECK (price_minor BETWEEN 0 AND 100000000),
    currency    char(3) NOT NULL,
    weight_g    integer NOT NULL,
    counters    integer NOT NULL DEFAULT 0 CHECK (counters >= 0),
    expires_at  timestamptz NOT NULL,
    accepted_at timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CHECK (sender_id <> traveler_id),
    CHECK ((status = 'pending') = (awaiting IS NOT NULL))
);
-- One open conversation per parcel and trip; one live booking per parcel.
CREATE UNIQUE INDEX bookings_one_pending ON bookings (parcel_id, trip_id) WHERE status = 'pending';
CREATE UNIQUE INDEX bookings_one_live_per_parcel ON bookings (parcel_id)
    WHERE status IN ('accepted', 'picked_up', 'delivered', 'completed');
CREATE INDEX bookings_trip_idx ON bookings (trip_id, status);
CREATE INDEX bookings_sender_idx ON bookings (sender_id, updated_at DESC);
CREATE INDEX bookings_traveler_idx ON bookings (traveler_id, updated_at DESC);
CREATE INDEX bookings_expiry_idx ON bookings (expires_at) WHERE status = 'pending';

CREATE TABLE booking_events (
    id          bigserial PRIMARY KEY,
    booking_id  uuid NOT NULL REFERENCES bookings (id),
    actor_id    uuid REFERENCES users (id),
    kind        text NOT NULL,
    price_minor bigint,
    note        text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX booking_events_booking_idx ON booking_events (booking_id, id);

-- Background jobs. A worker claims a due job with FOR UPDATE SKIP LOCKED and runs it inside
-- the transaction that holds the lock, so its effects and its completion commit together:
-- two servers never run the same job, and a crash leaves it to be retried.
CREATE TABLE jobs (
    id         bigserial PRIMARY KEY,
    kind       text NOT NULL,
    payload    jsonb NOT NULL DEFAULT '{}',
    run_at     timestamptz NOT NULL DEFAULT now(),
    attempts   integer NOT NULL DEFAULT 0,
    last_error text,
    -- Makes an enqueue idempotent (a periodic sweep is enqueued by every server, runs once).
    dedupe_key text UNIQUE,
    done_at    timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX jobs_due_idx ON jobs (run_at) WHERE done_at IS NULL;

-- What the pages and the matching read about a trip or a parcel, with places and people joined.
CREATE VIEW trip_rows AS
SELECT t.id, t.traveler_id, t.origin_id, t.destination_id, t.origin_metro_id,
       t.destination_metro_id, t.stopover_ids, t.departs_at, t.arrives_at, t.mode, t.capacity_g,
       t.remaining_g, t.price_per_kg_minor, t.currency::text AS currency, t.categories, t.notes,
       t.distance_km, t.status, t.created_at,
       o.label AS origin_label, o.tz AS origin_tz, o.lat AS origin_lat, o.lon AS origin_lon,
       d.label AS destination_label, d.tz AS destination_tz, d.lat AS destination_lat,
       d.lon AS destination_lon,
       u.display_name AS traveler_name, u.email_verified_at IS NOT NULL AS traveler_verified,
       u.traveler_rating_x100, u.completed_deliveries, u.on_time_deliveries,
       u.reliability_strikes
FROM trips t
JOIN places o ON o.id = t.origin_id
JOIN places d ON d.id = t.destination_id
JOIN users u ON u.id = t.traveler_id;

CREATE VIEW parcel_rows AS
SELECT p.id, p.sender_id, p.title, p.description, p.category, p.weight_g, p.length_cm,
       p.width_cm, p.height_cm, p.declared_value_minor, p.currency::text AS currency, p.fragile,
       p.pickup_place_id, p.pickup_metro_id, p.pickup_address, p.delivery_place_id,
       p.delivery_metro_id, p.delivery_address, p.ready_from, p.deliver_by, p.reward_minor,
       p.recipient_is_sender, p.recipient_name, p.recipient_phone, p.recipient_email,
       p.distance_km, p.risk_score, p.risk_reasons, p.flagged_keywords, p.status,
       p.review_note, p.created_at,
       pu.label AS pickup_label, pu.country::text AS pickup_country, pu.lat AS pickup_lat,
       pu.lon AS pickup_lon,
       de.label AS delivery_label, de.country::text AS delivery_country, de.lat AS delivery_lat,
       de.lon AS delivery_lon,
       u.display_name AS sender_name, u.email_verified_at IS NOT NULL AS sender_verified,
       u.sender_rating_x100, u.completed_deliveries AS sender_completed,
       (SELECT ph.id FROM parcel_photos ph WHERE ph.parcel_id = p.id
        ORDER BY ph.created_at, ph.id LIMIT 1) AS first_photo
FROM parcels p
JOIN places pu ON pu.id = p.pickup_place_id
JOIN places de ON de.id = p.delivery_place_id
JOIN users u ON u.id = p.sender_id;
