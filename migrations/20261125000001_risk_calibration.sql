-- Risk rules a trust team would apply (issue: a new sender's 25 kg electronics parcel worth 450 €
-- to Dakar was published at once). New rules, and the high-value threshold at 300 €.

ALTER TABLE parcels
    -- "I can show the receipt or the serial number" (electronics, medicine, cosmetics, food).
    ADD COLUMN has_receipt boolean NOT NULL DEFAULT false;

UPDATE risk_rules SET param = 30000, label = 'Declared value of 300 € or more'
    WHERE code = 'high_value';

INSERT INTO risk_rules (code, label, points, param) VALUES
    ('first_parcel', 'First parcel of an account less than 30 days old', 15, 30),
    ('no_receipt', 'Electronics, medicine, cosmetics or food without a receipt or serial number', 15, NULL),
    ('value_outlier', 'Declared value far above what similar parcels declare (3 times the median)', 20, 3)
ON CONFLICT (code) DO NOTHING;

-- The median declared value of recent parcels of a category, in one currency.
CREATE INDEX parcels_category_value_idx ON parcels (category, currency, created_at DESC);
