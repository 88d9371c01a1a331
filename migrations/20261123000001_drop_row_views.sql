-- The services read trips and parcels with compile-checked queries over the tables themselves;
-- the two row views they used to read are gone.
DROP VIEW IF EXISTS trip_rows;
DROP VIEW IF EXISTS parcel_rows;
