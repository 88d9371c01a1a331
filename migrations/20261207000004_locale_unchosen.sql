-- A member who never chose a language has none (NULL): an account made by an operator or by the
-- demo, not through the sign-up form (which records the language the form was read in). Their
-- browser's Accept-Language decides until they choose, and their first login records the
-- language they read the site in, for what is written to them when they are not the one asking.
ALTER TABLE users ALTER COLUMN locale DROP NOT NULL, ALTER COLUMN locale DROP DEFAULT;
