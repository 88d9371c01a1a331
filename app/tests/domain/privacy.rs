//! Privacy: a member who has done everything downloads it all, then deletes the account; the
//! profile (languages, home city, phone, avatar).

use super::support::*;
use app::error::AppError;
use app::server::accounts::{api_tokens, avatar, password, privacy, profile, sessions};
use app::server::bookings::{end, handoff};
use app::server::chat::service as chat;
use app::server::reviews::{self, ReviewInput};
use app::types::{BookingId, Side, UserId};
use sqlx::PgPool;

const PW: &str = "a sturdy passphrase";
const KEY: [u8; 32] = [9; 32];

async fn with_password(pool: &PgPool, user: UserId) {
    let hash = password::hash(PW.into()).await.unwrap();
    sqlx::query("UPDATE users SET password_hash = $2 WHERE id = $1")
        .bind(user)
        .bind(hash)
        .execute(pool)
        .await
        .unwrap();
}

fn review(stars: &str, comment: &str) -> ReviewInput {
    ReviewInput {
        stars: stars.into(),
        communication: "5".into(),
        punctuality: "4".into(),
        care: String::new(),
        comment: comment.into(),
    }
}

/// A sender who has done everything: a parcel with a photo, a completed and reviewed booking, a
/// message, a token, money in the wallet.
async fn busy_sender(pool: &PgPool) -> (World, BookingId) {
    let w = money_world(pool).await;
    with_password(pool, w.sender).await;
    top_up(pool, w.sender, "100").await;
    testkit::photo(pool, w.parcel).await.unwrap();
    let conv = chat::start(pool, w.sender, w.parcel, w.trip).await.unwrap();
    chat::send(
        pool,
        w.sender,
        conv,
        "Is Tuesday fine? Call me on +33 6 12 34 56 78",
        None,
    )
    .await
    .unwrap();
    let b = accepted(pool, &w).await;
    handoff::pick_up(
        pool,
        w.traveler,
        b,
        &code(pool, b, "pickup").await,
        inspected(),
    )
    .await
    .unwrap();
    handoff::deliver(pool, w.traveler, b, &code(pool, b, "delivery").await, None)
        .await
        .unwrap();
    end::confirm(pool, w.sender, b).await.unwrap();
    reviews::write(pool, w.sender, b, &review("5", "Careful and on time."))
        .await
        .unwrap();
    reviews::write(pool, w.traveler, b, &review("4", "Well packed."))
        .await
        .unwrap();
    let form = api_tokens::NewToken {
        name: "App",
        read: true,
        write: false,
        days: "",
    };
    api_tokens::create(pool, w.sender, &form).await.unwrap();
    (w, b)
}

async fn made_export(pool: &PgPool, user: UserId) -> uuid::Uuid {
    let id = privacy::request_export(pool, user).await.unwrap();
    privacy::build(&mut pool.acquire().await.unwrap(), id)
        .await
        .unwrap();
    id
}

#[sqlx::test(migrations = "../migrations")]
async fn a_member_downloads_everything_with_photo_links_that_last_an_hour(pool: PgPool) {
    let (w, b) = busy_sender(&pool).await;
    let id = made_export(&pool, w.sender).await;
    let list = privacy::exports(&pool, w.sender, "UTC").await.unwrap();
    assert!(list[0].ready.is_some() && !list[0].expired);
    let note: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM notifications WHERE user_id = $1 AND kind = 'account.export'",
    )
    .bind(w.sender)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(note, 1, "the member is told it is ready");

    let bytes = privacy::download(&pool, w.sender, id, PUBLIC_URL, &KEY)
        .await
        .unwrap();
    let data: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(data["account"]["id"], w.sender.to_string());
    assert_eq!(data["parcels"][0]["id"], w.parcel.to_string());
    assert!(data["parcels"][0]["pickup_address"].as_str().is_some());
    let booking = &data["bookings"][0];
    assert_eq!(booking["id"], b.to_string());
    assert_eq!(booking["status"], "completed");
    assert!(
        booking["timeline"].as_array().unwrap().len() >= 4,
        "{booking}"
    );
    assert!(data["messages_sent"][0]["body"]
        .as_str()
        .unwrap()
        .contains("Tuesday"));
    assert_eq!(data["reviews_written"][0]["stars"], 5);
    assert_eq!(data["reviews_received"][0]["stars"], 4);
    assert!(!data["notifications"].as_array().unwrap().is_empty());
    assert!(data["wallet"]["entries"].as_array().unwrap().len() >= 2);
    assert_eq!(data["wallet"]["card_payments"][0]["status"], "succeeded");
    assert_eq!(data["api_tokens"][0]["name"], "App");
    assert!(data["sessions"].is_array() && data["id_checks"].is_array());
    // Photos are links that work for an hour, for files of this member only.
    let link = data["parcels"][0]["photos"][0].as_str().unwrap();
    assert!(
        link.starts_with(&format!("{PUBLIC_URL}/account/export/{id}/files/parcel/")),
        "{link}"
    );
    let (path, query) = link.split_once('?').unwrap();
    let file = path.split("/files/").nth(1).unwrap();
    let mut expires = 0;
    let mut sig = String::new();
    for kv in query.split('&') {
        match kv.split_once('=').unwrap() {
            ("expires", v) => expires = v.parse().unwrap(),
            ("signature", v) => sig = v.to_string(),
            _ => {}
        }
    }
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    assert!((now + 3500..=now + 3700).contains(&expires));
    let dir = tempdir();
    assert!(
        privacy::export_file(&pool, &dir, &KEY, id, file, expires, &sig)
            .await
            .is_ok()
    );
    let tampered = privacy::export_file(&pool, &dir, &KEY, id, file, expires + 1, &sig).await;
    assert!(matches!(tampered, Err(AppError::NotFound(_))));
    let other_file = format!("parcel/{}.jpg", uuid::Uuid::new_v4());
    assert!(
        privacy::export_file(&pool, &dir, &KEY, id, &other_file, expires, &sig)
            .await
            .is_err()
    );
    // Someone else's export is not found; so is an expired one.
    assert!(matches!(
        privacy::download(&pool, w.traveler, id, PUBLIC_URL, &KEY).await,
        Err(AppError::NotFound(_))
    ));
    sqlx::query("UPDATE data_exports SET expires_at = now() - interval '1 second'")
        .execute(&pool)
        .await
        .unwrap();
    assert!(privacy::download(&pool, w.sender, id, PUBLIC_URL, &KEY)
        .await
        .is_err());
}

#[sqlx::test(migrations = "../migrations")]
async fn deleting_an_account_waits_for_bookings_then_erases_and_keeps_the_money_records(
    pool: PgPool,
) {
    let (w, b) = busy_sender(&pool).await;
    let token = sessions::create(&pool, w.sender, "", "").await.unwrap();
    // A booking under way (its money in escrow) stops the deletion, with the reason.
    let other = posted(&pool, w.sender, &parcel_form("Paris, France", "LHR", "1")).await;
    let pending = propose(&pool, w.sender, Side::Sender, other, w.trip, "")
        .await
        .unwrap();
    let dir = tempdir();
    let blocked = privacy::erase(&pool, &dir, w.sender, PW, "DELETE").await;
    assert!(
        matches!(blocked, Err(AppError::Conflict(ref m)) if m.contains("booking")),
        "{blocked:?}"
    );
    app::server::bookings::negotiate::withdraw(&pool, w.sender, pending)
        .await
        .unwrap();

    // The password and the word are both needed.
    let wrong = privacy::erase(&pool, &dir, w.sender, "not my password", "DELETE").await;
    assert_eq!(fields(&wrong.unwrap_err()), vec!["password"]);
    let unconfirmed = privacy::erase(&pool, &dir, w.sender, PW, "delete please").await;
    assert_eq!(fields(&unconfirmed.unwrap_err()), vec!["confirm"]);

    let ledger_before: i64 = sqlx::query_scalar("SELECT count(*) FROM ledger_entries")
        .fetch_one(&pool)
        .await
        .unwrap();
    privacy::erase(&pool, &dir, w.sender, PW, "DELETE")
        .await
        .unwrap();

    let u = sqlx::query_as::<_, (String, String, String, String, String)>(
        "SELECT display_name, email, phone, bio, status FROM users WHERE id = $1",
    )
    .bind(w.sender)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(u.0, privacy::DELETED_NAME);
    assert!(u.1.ends_with("@deleted.invalid") && u.2.is_empty() && u.3.is_empty());
    assert_eq!(u.4, "deleted");
    assert!(
        sessions::authenticate(&pool, &token)
            .await
            .unwrap()
            .is_none(),
        "logged out"
    );
    assert!(api_tokens::list(&pool, w.sender, "UTC")
        .await
        .unwrap()
        .is_empty());
    assert!(matches!(
        profile::public_profile(&pool, w.sender).await,
        Err(AppError::NotFound(_))
    ));
    let open: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM parcels WHERE sender_id = $1 AND status IN ('open', 'in_review')",
    )
    .bind(w.sender)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(open, 0, "open listings withdrawn");
    let body: String = sqlx::query_scalar("SELECT body FROM messages WHERE author_id = $1")
        .bind(w.sender)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(!body.contains("Tuesday"));
    // Money records, receipts and reviews stay; the ledger still checks.
    let ledger_after: i64 = sqlx::query_scalar("SELECT count(*) FROM ledger_entries")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(ledger_after >= ledger_before);
    let reviews: i64 = sqlx::query_scalar("SELECT count(*) FROM reviews WHERE booking_id = $1")
        .bind(b)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(reviews, 2);
    assert_ledger_ok(&pool).await;
}

#[sqlx::test(migrations = "../migrations")]
async fn the_profile_takes_languages_a_home_city_a_phone_and_a_square_avatar(pool: PgPool) {
    setup(&pool).await;
    let ann = user(&pool, "Ann").await;
    let form = |city: &'static str, langs: &'static [&'static str], phone: &'static str| {
        (
            city,
            langs.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
            phone,
        )
    };
    let (city, langs, phone) = form("Qqqzzxx", &["en", "xx"], "0612345678");
    let bad = profile::update_profile(
        &pool,
        ann,
        &profile::ProfileForm {
            display_name: "Ann",
            bio: "",
            home_city: city,
            languages: &langs,
            phone,
        },
    )
    .await;
    assert_eq!(
        fields(&bad.unwrap_err()),
        vec!["languages", "phone", "home_city"]
    );
    let (city, langs, phone) = form("Lyon, France", &["fr", "en", "fr"], "+33 6 12 34 56 78");
    profile::update_profile(
        &pool,
        ann,
        &profile::ProfileForm {
            display_name: "Ann",
            bio: "Hi",
            home_city: city,
            languages: &langs,
            phone,
        },
    )
    .await
    .unwrap();
    let p = profile::profile(&pool, ann).await.unwrap();
    assert_eq!(p.languages, vec!["en", "fr"]);
    assert_eq!(p.phone, "+33612345678");
    assert_eq!(p.home_city, "Lyon, France");
    let public = profile::public_profile(&pool, ann).await.unwrap();
    assert_eq!(public.languages, vec!["English", "French"]);

    // An avatar: cropped square, in three sizes, public at a versioned address.
    let dir = tempdir();
    let v1 = avatar::set(&pool, &dir, ann, png()).await.unwrap();
    let v2 = avatar::set(&pool, &dir, ann, png()).await.unwrap();
    assert_eq!(v2, v1 + 1);
    let name = |v: i32, s: u32| format!("{ann}_{v}_{s}.jpg");
    let path = avatar::public_file(&pool, &dir, &name(v2, 160))
        .await
        .unwrap();
    let img = image::open(&path).unwrap();
    assert_eq!((img.width(), img.height()), (160, 160));
    assert!(
        avatar::public_file(&pool, &dir, &name(v1, 160))
            .await
            .is_err(),
        "the old one is gone"
    );
    assert!(!dir.join("avatars").join(name(v1, 64)).exists());
    assert!(profile::public_profile(&pool, ann)
        .await
        .unwrap()
        .avatar
        .unwrap()
        .ends_with(&name(v2, 400)));
    let not_image = avatar::set(&pool, &dir, ann, b"GIF89a not really".to_vec()).await;
    assert_eq!(fields(&not_image.unwrap_err()), vec!["avatar"]);
    avatar::remove(&pool, &dir, ann).await.unwrap();
    assert!(profile::profile(&pool, ann).await.unwrap().avatar.is_none());
}
