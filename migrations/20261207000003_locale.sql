-- French (PRODUCT: every page in English and French). The language a member chose, used for
-- what is written to them when they are not the one asking (notifications and emails), and
-- given back to their browser when they log in on a new one.
ALTER TABLE users ADD COLUMN locale text NOT NULL DEFAULT 'en' CHECK (locale IN ('en', 'fr'));
