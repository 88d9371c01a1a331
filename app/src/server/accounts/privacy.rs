//! Privacy (PRODUCT §13): "Download my data": a JSON file of everything about the member, made
//! by the job queue, with photos as links valid for an hour; and the privacy page. Deleting the
//! account is `erasure`.

use crate::error::AppError;
use crate::i18n::tr;
use crate::server::jobs::{self, JobKind};
use crate::server::notifications::{self, Note};
use crate::server::{ratelimit, time};
use crate::types::accounts::{DataExport, Privacy};
use crate::types::{Currency, Money, NotificationKind, UserId};
use ::time::{Duration, OffsetDateTime};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use sqlx::{PgConnection, PgPool};
use std::path::{Path, PathBuf};
use uuid::Uuid;

/// How long a finished export can be downloaded.
pub const EXPORT_LIFETIME: Duration = Duration::days(7);
/// How long a photo link in a downloaded export works.
pub const LINK_LIFETIME: Duration = Duration::hours(1);
/// Exports a member may ask for per hour.
pub const EXPORTS_PER_HOUR: i64 = 3;
use super::erasure::erasure_blocked;
pub use super::erasure::{erase, CONFIRM_WORD, DELETED_NAME};

/// Asks for a copy of everything about `user`; the job queue makes it and tells them.
#[tracing::instrument(skip(pool))]
pub async fn request_export(pool: &PgPool, user: UserId) -> Result<Uuid, AppError> {
    if !ratelimit::hit(
        pool,
        &format!("export:{user}"),
        EXPORTS_PER_HOUR,
        Duration::HOUR,
    )
    .await?
    {
        return Err(AppError::TooManyRequests(
            tr("You asked for your data several times this hour. The copies already asked for will be ready soon.").into(),
        ));
    }
    let mut tx = pool.begin().await?;
    let id = sqlx::query_scalar!(
        "INSERT INTO data_exports (user_id) VALUES ($1) RETURNING id",
        user as UserId
    )
    .fetch_one(&mut *tx)
    .await?;
    jobs::enqueue(
        &mut tx,
        JobKind::ExportData,
        serde_json::json!({ "export": id }),
        OffsetDateTime::now_utc(),
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// The member's exports, newest first.
pub async fn exports(pool: &PgPool, user: UserId, tz: &str) -> Result<Vec<DataExport>, AppError> {
    let rows = sqlx::query!(
        r#"SELECT id, requested_at, ready_at, expires_at,
                  (expires_at IS NOT NULL AND expires_at <= now()) AS "expired!"
           FROM data_exports WHERE user_id = $1 ORDER BY requested_at DESC LIMIT 10"#,
        user as UserId
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| DataExport {
            id: r.id,
            requested: time::datetime_in(r.requested_at, tz),
            ready: r.ready_at.map(|t| time::datetime_in(t, tz)),
            expires: r.expires_at.map(|t| time::datetime_in(t, tz)),
            expired: r.expired,
        })
        .collect())
}

/// The privacy page: the member's exports, whether the account can be deleted now, and the
/// money that would stay with the anonymised account.
pub async fn page(pool: &PgPool, user: UserId, tz: &str) -> Result<Privacy, AppError> {
    let mut conn = pool.acquire().await?;
    let cannot_delete = erasure_blocked(&mut conn, user).await?;
    let balances = sqlx::query!(
        r#"SELECT balance_minor, currency AS "currency: Currency" FROM ledger_accounts
           WHERE kind = 'user' AND user_id = $1 AND balance_minor > 0 ORDER BY currency"#,
        user as UserId
    )
    .fetch_all(&mut *conn)
    .await?;
    drop(conn);
    Ok(Privacy {
        exports: exports(pool, user, tz).await?,
        cannot_delete,
        balances_left: balances
            .into_iter()
            .map(|b| Money::new(b.balance_minor, b.currency).to_string())
            .collect(),
    })
}

/// The job: makes the export (everything in one consistent read) and tells the member.
pub async fn build(conn: &mut PgConnection, export: Uuid) -> Result<(), AppError> {
    let Some(user) = sqlx::query_scalar!(
        r#"SELECT user_id AS "user_id: UserId" FROM data_exports WHERE id = $1 AND ready_at IS NULL"#,
        export
    )
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(()); // made already
    };
    let content = everything(conn, user).await?;
    sqlx::query!(
        "UPDATE data_exports SET content = $2, ready_at = now(),
                expires_at = now() + make_interval(secs => $3)
         WHERE id = $1 AND ready_at IS NULL",
        export,
        content,
        EXPORT_LIFETIME.as_seconds_f64()
    )
    .execute(&mut *conn)
    .await?;
    notifications::notify(
        conn,
        user,
        || {
            let (title, body) = (tr("Your data is ready to download").to_string(), tr("The copy of your data you asked for is ready. Download it from your privacy page within 7 days.").to_string());
            Note {
                kind: NotificationKind::DataExport,
                title,
                body,
                link: "/account/privacy".to_string(),
                dedupe: None,
            }
        },
    )
    .await
}

/// Everything Carry holds about `user`, as JSON. Files are `{"file": "<kind>/<name>"}`; the
/// download turns each into a link that works for an hour.
async fn everything(conn: &mut PgConnection, user: UserId) -> Result<serde_json::Value, AppError> {
    Ok(sqlx::query_scalar!(
        r#"SELECT json_build_object(
            'generated_at', now(),
            'account', (SELECT json_build_object(
                'id', u.id, 'email', u.email, 'display_name', u.display_name, 'bio', u.bio,
                'home_city', u.home_city, 'phone', u.phone, 'languages', u.languages,
                'role', u.role, 'status', u.status, 'created_at', u.created_at,
                'email_verified_at', u.email_verified_at, 'id_verified_at', u.id_verified_at,
                'time_zone', u.time_zone, 'two_factor_login', u.totp_secret IS NOT NULL,
                'avatar', CASE WHEN u.avatar_version IS NOT NULL THEN
                    json_build_object('file', 'avatar/' || u.id || '_' || u.avatar_version || '_400.jpg') END,
                'reputation', json_build_object(
                    'traveler_rating_x100', u.traveler_rating_x100, 'sender_rating_x100', u.sender_rating_x100,
                    'completed_deliveries', u.completed_deliveries, 'on_time_deliveries', u.on_time_deliveries,
                    'reliability_strikes', u.reliability_strikes))
                FROM users u WHERE u.id = $1),
            'sessions', coalesce((SELECT json_agg(json_build_object(
                'created_at', s.created_at, 'last_seen_at', s.last_seen_at, 'user_agent', s.user_agent,
                'ip', s.ip, 'revoked_at', s.revoked_at) ORDER BY s.created_at)
                FROM sessions s WHERE s.user_id = $1), '[]'),
            'api_tokens', coalesce((SELECT json_agg(json_build_object(
                'name', t.name, 'prefix', t.prefix, 'scopes', t.scopes, 'created_at', t.created_at,
                'expires_at', t.expires_at, 'last_used_at', t.last_used_at, 'revoked_at', t.revoked_at)
                ORDER BY t.created_at) FROM api_tokens t WHERE t.user_id = $1), '[]'),
            'trips', coalesce((SELECT json_agg(json_build_object(
                'id', t.id, 'status', t.status, 'origin', o.label, 'destination', d.label,
                'departs_at', t.departs_at, 'arrives_at', t.arrives_at, 'mode', t.mode,
                'capacity_g', t.capacity_g, 'remaining_g', t.remaining_g,
                'price_per_kg_minor', t.price_per_kg_minor, 'currency', t.currency,
                'categories', t.categories, 'notes', t.notes, 'created_at', t.created_at)
                ORDER BY t.created_at)
                FROM trips t JOIN places o ON o.id = t.origin_id JOIN places d ON d.id = t.destination_id
                WHERE t.traveler_id = $1), '[]'),
            'parcels', coalesce((SELECT json_agg(json_build_object(
                'id', p.id, 'status', p.status, 'title', p.title, 'description', p.description,
                'category', p.category, 'weight_g', p.weight_g,
                'dimensions_cm', json_build_array(p.length_cm, p.width_cm, p.height_cm),
                'declared_value_minor', p.declared_value_minor, 'currency', p.currency,
                'fragile', p.fragile, 'pickup', pu.label, 'pickup_address', p.pickup_address,
                'delivery', de.label, 'delivery_address', p.delivery_address,
                'ready_from', p.ready_from, 'deliver_by', p.deliver_by, 'reward_minor', p.reward_minor,
                'recipient_name', p.recipient_name, 'recipient_phone', p.recipient_phone,
                'recipient_email', p.recipient_email, 'created_at', p.created_at,
                'photos', coalesce((SELECT json_agg(json_build_object('file', 'parcel/' || ph.id || '.jpg')
                    ORDER BY ph.created_at) FROM parcel_photos ph WHERE ph.parcel_id = p.id), '[]'))
                ORDER BY p.created_at)
                FROM parcels p JOIN places pu ON pu.id = p.pickup_place_id
                JOIN places de ON de.id = p.delivery_place_id
                WHERE p.sender_id = $1), '[]'),
            'bookings', coalesce((SELECT json_agg(json_build_object(
                'id', b.id, 'as', CASE WHEN b.sender_id = $1 THEN 'sender' ELSE 'traveler' END,
                'parcel_id', b.parcel_id, 'trip_id', b.trip_id, 'status', b.status,
                'price_minor', b.price_minor, 'fee_minor', b.fee_minor,
                'protection_minor', b.protection_minor, 'currency', b.currency,
                'tracking_number', b.tracking_no, 'created_at', b.created_at,
                'accepted_at', b.accepted_at, 'picked_up_at', b.picked_up_at,
                'delivered_at', b.delivered_at, 'completed_at', b.completed_at,
                'delivery_photo', CASE WHEN b.delivery_photo IS NOT NULL THEN
                    json_build_object('file', 'delivery/' || b.delivery_photo) END,
                'timeline', coalesce((SELECT json_agg(json_build_object(
                    'at', e.created_at, 'what', e.kind, 'by_me', e.actor_id = $1,
                    'price_minor', e.price_minor, 'note', e.note) ORDER BY e.id)
                    FROM booking_events e WHERE e.booking_id = b.id), '[]'))
                ORDER BY b.created_at)
                FROM bookings b WHERE b.sender_id = $1 OR b.traveler_id = $1), '[]'),
            'messages_sent', coalesce((SELECT json_agg(json_build_object(
                'conversation_id', m.conversation_id, 'body', m.body, 'at', m.created_at,
                'read_at', m.read_at,
                'photo', CASE WHEN m.image_file IS NOT NULL THEN
                    json_build_object('file', 'chat/' || m.image_file) END) ORDER BY m.id)
                FROM messages m WHERE m.author_id = $1), '[]'),
            'reviews_written', coalesce((SELECT json_agg(json_build_object(
                'booking_id', r.booking_id, 'stars', r.stars, 'communication', r.communication,
                'punctuality', r.punctuality, 'care', r.care, 'comment', r.comment,
                'at', r.created_at, 'published_at', r.published_at) ORDER BY r.id)
                FROM reviews r WHERE r.author_id = $1), '[]'),
            'reviews_received', coalesce((SELECT json_agg(json_build_object(
                'booking_id', r.booking_id, 'as', r.subject_role, 'stars', r.stars,
                'communication', r.communication, 'punctuality', r.punctuality, 'care', r.care,
                'comment', r.comment, 'at', r.created_at) ORDER BY r.id)
                FROM reviews r WHERE r.subject_id = $1 AND r.published_at IS NOT NULL), '[]'),
            'notifications', coalesce((SELECT json_agg(json_build_object(
                'kind', n.kind, 'title', n.title, 'body', n.body, 'link', n.link,
                'at', n.created_at, 'read_at', n.read_at) ORDER BY n.id)
                FROM notifications n WHERE n.user_id = $1), '[]'),
            'wallet', json_build_object(
                'entries', coalesce((SELECT json_agg(json_build_object(
                    'at', e.created_at, 'amount_minor', e.amount_minor, 'currency', e.currency,
                    'kind', t.kind, 'memo', t.memo, 'booking_id', t.booking_id,
                    'receipt', '/wallet/receipts/ledger/' || t.receipt_id) ORDER BY e.id)
                    FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id
                    JOIN ledger_transactions t ON t.id = e.transaction_id
                    WHERE a.kind = 'user' AND a.user_id = $1), '[]'),
                'card_payments', coalesce((SELECT json_agg(json_build_object(
                    'id', p.id, 'provider', p.provider, 'amount_minor', p.amount_minor,
                    'currency', p.currency, 'status', p.status, 'card_last4', p.card_last4,
                    'at', p.created_at, 'receipt', '/wallet/receipts/payment/' || p.id) ORDER BY p.created_at)
                    FROM payments p WHERE p.user_id = $1), '[]'),
                'withdrawals', coalesce((SELECT json_agg(json_build_object(
                    'id', w.id, 'amount_minor', w.amount_minor, 'currency', w.currency,
                    'method', w.method, 'destination', w.destination, 'status', w.status,
                    'reason', w.reason, 'at', w.created_at, 'decided_at', w.decided_at,
                    'receipt', '/wallet/receipts/payout/' || w.id) ORDER BY w.created_at)
                    FROM withdrawals w WHERE w.user_id = $1), '[]')),
            'id_checks', coalesce((SELECT json_agg(json_build_object(
                'status', v.status, 'reason', v.reason, 'at', v.created_at, 'decided_at', v.reviewed_at,
                'photos', json_build_array(
                    json_build_object('file', 'id/' || v.id || '-id.jpg'),
                    json_build_object('file', 'id/' || v.id || '-selfie.jpg'))) ORDER BY v.created_at)
                FROM id_verifications v WHERE v.user_id = $1), '[]'),
            'route_alerts', coalesce((SELECT json_agg(json_build_object(
                'label', a.label, 'kind', a.kind, 'paused', a.paused, 'at', a.created_at) ORDER BY a.created_at)
                FROM alerts a WHERE a.user_id = $1), '[]'),
            'reports_made', coalesce((SELECT json_agg(json_build_object(
                'reason', r.reason, 'note', r.note, 'at', r.created_at, 'decided_at', r.decided_at,
                'action', r.action) ORDER BY r.created_at)
                FROM reports r WHERE r.reporter_id = $1), '[]'),
            'disputes', coalesce((SELECT json_agg(json_build_object(
                'booking_id', d.booking_id, 'reason', d.reason, 'status', d.status,
                'outcome', d.outcome, 'at', d.created_at, 'decided_at', d.decided_at,
                'messages', coalesce((SELECT json_agg(json_build_object('body', m.body, 'at', m.created_at,
                    'photo', CASE WHEN m.image_file IS NOT NULL THEN
                        json_build_object('file', 'dispute/' || m.image_file) END) ORDER BY m.id)
                    FROM dispute_messages m WHERE m.dispute_id = d.id AND m.author_id = $1), '[]'))
                ORDER BY d.created_at)
                FROM disputes d JOIN bookings b ON b.id = d.booking_id
                WHERE b.sender_id = $1 OR b.traveler_id = $1), '[]')
        )::jsonb AS "export!""#,
        user as UserId
    )
    .fetch_one(&mut *conn)
    .await?)
}

type HmacSha256 = Hmac<Sha256>;

fn signature(key: &[u8; 32], export: Uuid, file: &str, expires: i64) -> String {
    let Ok(mut mac) = HmacSha256::new_from_slice(key) else {
        return String::new();
    };
    mac.update(format!("{export}/{file}|{expires}").as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Replaces every `{"file": …}` in the export by a link that works until `expires`.
fn sign_files(v: &mut serde_json::Value, base: &str, key: &[u8; 32], export: Uuid, expires: i64) {
    match v {
        serde_json::Value::Object(map) => {
            if map.len() == 1 {
                if let Some(serde_json::Value::String(file)) = map.get("file") {
                    let sig = signature(key, export, file, expires);
                    *v = serde_json::Value::String(format!(
                        "{base}/account/export/{export}/files/{file}?expires={expires}&signature={sig}"
                    ));
                    return;
                }
            }
            for item in map.values_mut() {
                sign_files(item, base, key, export, expires);
            }
        }
        serde_json::Value::Array(items) => {
            for item in items {
                sign_files(item, base, key, export, expires);
            }
        }
        _ => {}
    }
}

/// The export as a file to save, with its photo links signed for an hour. Only its owner gets
/// it; another member's, a missing or an expired one is "not found".
pub async fn download(
    pool: &PgPool,
    user: UserId,
    export: Uuid,
    public_url: &str,
    key: &[u8; 32],
) -> Result<Vec<u8>, AppError> {
    let content = sqlx::query_scalar!(
        "SELECT content FROM data_exports
         WHERE id = $1 AND user_id = $2 AND ready_at IS NOT NULL AND expires_at > now()",
        export,
        user as UserId
    )
    .fetch_optional(pool)
    .await?
    .flatten()
    .ok_or_else(|| {
        AppError::NotFound(tr("This copy of your data is not there (it lasts 7 days).").into())
    })?;
    let mut content = content;
    let expires = (OffsetDateTime::now_utc() + LINK_LIFETIME).unix_timestamp();
    sign_files(
        &mut content,
        public_url.trim_end_matches('/'),
        key,
        export,
        expires,
    );
    serde_json::to_vec_pretty(&content).map_err(AppError::internal)
}

/// The file behind a signed link of an export: checked (signature, expiry, the export's owner
/// owns the file), its path rebuilt from parsed parts only.
pub async fn export_file(
    pool: &PgPool,
    upload_dir: &Path,
    key: &[u8; 32],
    export: Uuid,
    file: &str,
    expires: i64,
    signature_hex: &str,
) -> Result<PathBuf, AppError> {
    let missing = || AppError::NotFound(tr("This link has expired or does not exist.").into());
    let good = signature(key, export, file, expires);
    let same = good.len() == signature_hex.len()
        && good
            .bytes()
            .zip(signature_hex.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0;
    if !same || expires < OffsetDateTime::now_utc().unix_timestamp() {
        return Err(missing());
    }
    let user = sqlx::query_scalar!(
        r#"SELECT user_id AS "user_id: UserId" FROM data_exports WHERE id = $1"#,
        export
    )
    .fetch_optional(pool)
    .await?
    .ok_or_else(missing)?;
    let (kind, name) = file.split_once('/').ok_or_else(missing)?;
    // Every name is `<uuid>…jpg`; parse it, never join what was typed.
    let uuid_of = |s: &str| {
        Uuid::try_parse(s)
            .ok()
            .filter(|u| u.hyphenated().to_string() == s)
    };
    let owned: Option<PathBuf> = match kind {
        "parcel" => {
            let id = name
                .strip_suffix(".jpg")
                .and_then(uuid_of)
                .ok_or_else(missing)?;
            let mine = sqlx::query_scalar!(
                r#"SELECT EXISTS (SELECT 1 FROM parcel_photos ph JOIN parcels p ON p.id = ph.parcel_id
                                  WHERE ph.id = $1 AND p.sender_id = $2) AS "ok!""#,
                id,
                user as UserId
            )
            .fetch_one(pool)
            .await?;
            mine.then(|| crate::server::parcels::photos::dir(upload_dir).join(format!("{id}.jpg")))
        }
        "chat" | "dispute" | "delivery" => {
            let id = name
                .strip_suffix(".jpg")
                .and_then(uuid_of)
                .ok_or_else(missing)?;
            let stored = format!("{id}.jpg");
            let mine = sqlx::query_scalar!(
                r#"SELECT (EXISTS (SELECT 1 FROM messages WHERE image_file = $1 AND author_id = $2)
                        OR EXISTS (SELECT 1 FROM dispute_messages WHERE image_file = $1 AND author_id = $2)
                        OR EXISTS (SELECT 1 FROM bookings WHERE delivery_photo = $1
                                   AND (sender_id = $2 OR traveler_id = $2))) AS "ok!""#,
                stored,
                user as UserId
            )
            .fetch_one(pool)
            .await?;
            let folder = match kind {
                "chat" => "chat",
                "dispute" => "disputes",
                _ => "deliveries",
            };
            mine.then(|| upload_dir.join("private").join(folder).join(&stored))
        }
        "id" => {
            let (stem, which) = name
                .strip_suffix("-id.jpg")
                .map(|s| (s, "id"))
                .or_else(|| name.strip_suffix("-selfie.jpg").map(|s| (s, "selfie")))
                .ok_or_else(missing)?;
            let id = uuid_of(stem).ok_or_else(missing)?;
            let mine = sqlx::query_scalar!(
                r#"SELECT EXISTS (SELECT 1 FROM id_verifications WHERE id = $1 AND user_id = $2) AS "ok!""#,
                id,
                user as UserId
            )
            .fetch_one(pool)
            .await?;
            mine.then(|| super::verification::dir(upload_dir).join(format!("{id}-{which}.jpg")))
        }
        "avatar" => super::avatar::file_of_owner(pool, upload_dir, user, name).await?,
        _ => None,
    };
    owned.ok_or_else(missing)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_become_signed_links_and_only_the_right_signature_opens_them() {
        let key = [7u8; 32];
        let export = Uuid::new_v4();
        let mut v = serde_json::json!({"a": [{"file": "parcel/x.jpg"}], "b": {"file": "chat/y.jpg", "other": 1}});
        sign_files(&mut v, "https://carry.example", &key, export, 100);
        let link = v["a"][0].as_str().unwrap();
        assert!(link.starts_with(&format!("https://carry.example/account/export/{export}/files/parcel/x.jpg?expires=100&signature=")));
        assert!(
            v["b"].is_object(),
            "an object with other keys is left alone"
        );
        assert_ne!(
            signature(&key, export, "parcel/x.jpg", 100),
            signature(&key, export, "parcel/x.jpg", 101)
        );
        assert_ne!(
            signature(&key, export, "parcel/x.jpg", 100),
            signature(&[8; 32], export, "parcel/x.jpg", 100)
        );
    }
}
