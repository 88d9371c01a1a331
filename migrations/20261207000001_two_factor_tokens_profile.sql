-- Two-factor login (TOTP) with recovery codes, personal API tokens, and the rest of the profile.

ALTER TABLE users
    -- The confirmed TOTP secret: two-factor login is on while it is set.
    ADD COLUMN totp_secret bytea,
    -- A secret being enrolled: it replaces nothing until the member confirms it with a code.
    ADD COLUMN totp_pending bytea,
    -- The last time step a code was accepted for: a code is never accepted twice.
    ADD COLUMN totp_last_step bigint,
    ADD COLUMN totp_enabled_at timestamptz,
    -- Languages spoken (ISO 639-1 codes from the profile form's list).
    ADD COLUMN languages text[] NOT NULL DEFAULT '{}' CHECK (cardinality(languages) <= 12),
    -- Home city: a place, not free text (the old `home_city` text stays for what was typed).
    ADD COLUMN home_place_id integer REFERENCES places (id),
    -- The avatar's version: set when there is one; its files carry it in their names.
    ADD COLUMN avatar_version integer;

-- Recovery codes: ten, shown once, stored as SHA-256 of the normalised code, each used once.
CREATE TABLE recovery_codes (
    user_id   uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash bytea NOT NULL,
    used_at   timestamptz,
    PRIMARY KEY (user_id, code_hash)
);

-- A password accepted for an account with two-factor login: the half-authenticated state. Its
-- token (hashed here, in a cookie of its own) allows nothing but entering a code, for 5 minutes.
CREATE TABLE login_challenges (
    token_hash bytea PRIMARY KEY,
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    email      text NOT NULL,
    user_agent text NOT NULL DEFAULT '',
    ip         text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);
CREATE INDEX login_challenges_expiry_idx ON login_challenges (expires_at);

-- Personal API tokens: shown once, stored as SHA-256, with scopes and an optional expiry.
CREATE TABLE api_tokens (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 60),
    token_hash   bytea NOT NULL UNIQUE,
    -- The first characters of the token, so its owner can tell tokens apart.
    prefix       text NOT NULL,
    scopes       text[] NOT NULL CHECK (cardinality(scopes) >= 1 AND scopes <@ ARRAY['read', 'write']),
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz,
    last_used_at timestamptz,
    revoked_at   timestamptz
);
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id, created_at DESC);

-- A secret shown once (new recovery codes, a new API token) to the session that made it, with or
-- without JavaScript: read and deleted in one statement by the page that shows it, and never
-- kept longer than ten minutes. The stored copies are hashes.
CREATE TABLE one_time_reveals (
    session_id uuid NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    kind       text NOT NULL CHECK (kind IN ('recovery_codes', 'api_token')),
    secret     text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (session_id, kind)
);
