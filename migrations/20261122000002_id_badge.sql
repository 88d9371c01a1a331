-- The ID-verified badge counts in the match score: the trip rows say whether the traveler has it.
CREATE OR REPLACE VIEW trip_rows AS
SELECT t.id, t.traveler_id, t.origin_id, t.destination_id, t.origin_metro_id,
       t.destination_metro_id, t.stopover_ids, t.departs_at, t.arrives_at, t.mode, t.capacity_g,
       t.remaining_g, t.price_per_kg_minor, t.currency::text AS currency, t.categories, t.notes,
       t.distance_km, t.status, t.created_at,
       o.label AS origin_label, o.tz AS origin_tz, o.lat AS origin_lat, o.lon AS origin_lon,
       d.label AS destination_label, d.tz AS destination_tz, d.lat AS destination_lat,
       d.lon AS destination_lon,
       u.display_name AS traveler_name, u.email_verified_at IS NOT NULL AS traveler_verified,
       u.traveler_rating_x100, u.completed_deliveries, u.on_time_deliveries,
       u.reliability_strikes, u.id_verified_at IS NOT NULL AS traveler_id_verified
FROM trips t
JOIN places o ON o.id = t.origin_id
JOIN places d ON d.id = t.destination_id
JOIN users u ON u.id = t.traveler_id;
