//! Who may read and change what in the marketplace, over HTTP: the server functions and the
//! photo upload check who is asking.

use super::support;
use app::server::parcels::service as parcels;
use app::server::places;
use app::server::testkit;
use app::server::trips::service as trips;
use app::types::{TripId, UserId};
use sqlx::PgPool;
use uuid::Uuid;

async fn id_of(pool: &PgPool, email: &str) -> UserId {
    sqlx::query_scalar("UPDATE users SET email_verified_at = now() WHERE email = $1 RETURNING id")
        .bind(email)
        .fetch_one(pool)
        .await
        .unwrap()
}

/// A 1×1 PNG.
const PNG: [u8; 70] = [
    137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13, 73, 72, 68, 82, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0,
    0, 0, 31, 21, 196, 137, 0, 0, 0, 13, 73, 68, 65, 84, 120, 218, 99, 100, 248, 207, 80, 15, 0, 3,
    134, 1, 128, 90, 52, 125, 107, 0, 0, 0, 0, 73, 69, 78, 68, 174, 66, 96, 130,
];

/// A Paris CDG → London Heathrow trip in five days.
async fn trip_for(pool: &PgPool, traveler: UserId) -> TripId {
    trips::create(pool, traveler, &testkit::trip("CDG", "LHR", "10"))
        .await
        .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn strangers_cannot_read_or_answer_other_peoples_bookings(pool: PgPool) {
    places::seed::run(&pool).await.unwrap();
    let app = support::spawn(pool.clone()).await;
    let traveler = app.signed_up_client("tara@example.com").await;
    let sender = app.signed_up_client("sam@example.com").await;
    let stranger = app.signed_up_client("eve@example.com").await;
    let anonymous = app.client();
    let (t_id, s_id) = (
        id_of(&pool, "tara@example.com").await,
        id_of(&pool, "sam@example.com").await,
    );
    id_of(&pool, "eve@example.com").await;
    let trip = trip_for(&pool, t_id).await;
    let parcel = parcels::create(
        &pool,
        s_id,
        &testkit::parcel("Paris, France", "London, United Kingdom", "2"),
        true,
    )
    .await
    .unwrap();
    testkit::photo(&pool, parcel).await.unwrap();
    let (trip, parcel) = (trip.to_string(), parcel.to_string());
    let sender_id: UserId = sqlx::query_scalar("SELECT sender_id FROM parcels WHERE id = $1::uuid")
        .bind(&parcel)
        .fetch_one(&pool)
        .await
        .unwrap();
    testkit::fund(&pool, sender_id, "100").await.unwrap();
    let key = Uuid::new_v4().to_string();

    let res = app
        .post_form(
            &sender,
            "/api/bookings/propose",
            &[
                ("side", "sender"),
                ("parcel_id", &parcel),
                ("trip_id", &trip),
                ("key", &key),
            ],
        )
        .await;
    assert!(
        res.status().is_success() || res.status().is_redirection(),
        "{}",
        res.status()
    );
    let booking: Uuid = sqlx::query_scalar("SELECT id FROM bookings")
        .fetch_one(&pool)
        .await
        .unwrap();
    let booking = booking.to_string();

    // Strangers: the booking does not exist for them; listings' matches are their owners'.
    for (path, form) in [
        ("/api/bookings/get", vec![("id", booking.as_str())]),
        (
            "/api/bookings/answer",
            vec![("id", booking.as_str()), ("answer", "accept")],
        ),
    ] {
        assert_eq!(
            app.post_form(&stranger, path, &form).await.status(),
            404,
            "{path}"
        );
    }
    assert_eq!(
        app.post_form(&stranger, "/api/trips/matches", &[("id", &trip)])
            .await
            .status(),
        403
    );
    assert_eq!(
        app.post_form(&stranger, "/api/parcels/matches", &[("id", &parcel)])
            .await
            .status(),
        403
    );
    assert_eq!(
        app.post_form(&stranger, "/api/admin/parcels/review-queue", &[])
            .await
            .status(),
        403
    );
    assert_eq!(
        app.post_form(&anonymous, "/api/bookings/mine", &[])
            .await
            .status(),
        401
    );
    assert_eq!(
        app.post_form(&anonymous, "/api/trips/create", &[("origin", "CDG")])
            .await
            .status(),
        401
    );
    // A member's half-filled form is answered field by field; a malformed id is a bad request.
    let half = app
        .post_form(&stranger, "/api/trips/create", &[("origin", "CDG")])
        .await;
    assert_eq!(half.status(), 422);
    assert!(half
        .text()
        .await
        .unwrap()
        .contains("Enter where the trip ends"));
    assert_eq!(
        app.post_form(&stranger, "/api/trips/cancel", &[("id", "not-an-id")])
            .await
            .status(),
        400
    );
    let page = stranger
        .get(app.url(&format!("/parcels/{parcel}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Two novels") && !page.contains("Rue de Rivoli"));
    // The sender cannot accept their own request; the traveler can.
    assert_eq!(
        app.post_form(
            &sender,
            "/api/bookings/answer",
            &[("id", &booking), ("answer", "accept")]
        )
        .await
        .status(),
        409
    );
    let res = app
        .post_form(
            &traveler,
            "/api/bookings/answer",
            &[("id", &booking), ("answer", "accept")],
        )
        .await;
    assert!(
        res.status().is_success() || res.status().is_redirection(),
        "{}",
        res.status()
    );
    let seen = app
        .post_form(&traveler, "/api/bookings/get", &[("id", &booking)])
        .await
        .text()
        .await
        .unwrap();
    assert!(
        seen.contains("sam@example.com") && seen.contains("Rue de Rivoli"),
        "{seen}"
    );

    // Photo uploads: log in first, and only to one's own parcel.
    let part = || {
        reqwest::multipart::Form::new().part(
            "photos",
            reqwest::multipart::Part::bytes(PNG.to_vec()).file_name("one.png"),
        )
    };
    let upload = |c: &reqwest::Client| {
        c.post(app.url(&format!("/parcels/{parcel}/photos")))
            .header("origin", format!("http://{}", app.addr))
            .multipart(part())
            .send()
    };
    let res = upload(&anonymous).await.unwrap();
    assert!(res.headers()["location"]
        .to_str()
        .unwrap()
        .starts_with("/login"));
    let res = upload(&stranger).await.unwrap();
    let to = res.headers()["location"].to_str().unwrap().to_string();
    assert!(
        to.contains("photo_error=You%20do%20not%20have%20permission"),
        "{to}"
    );
    // Even the sender cannot change the photos of a booked parcel (the traveler accepted it).
    let res = upload(&sender).await.unwrap();
    let to = res.headers()["location"].to_str().unwrap().to_string();
    assert!(
        to.ends_with(
            "photo_error=Photos%20can%20only%20be%20changed%20before%20the%20parcel%20is%20booked."
        ),
        "{to}"
    );
    let photos: i64 = sqlx::query_scalar("SELECT count(*) FROM parcel_photos")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(photos, 1, "only the photo it had when it was booked");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_ticket_is_seen_only_by_its_traveler_and_admins(pool: PgPool) {
    places::seed::run(&pool).await.unwrap();
    let app = support::spawn(pool.clone()).await;
    let traveler = app.signed_up_client("tara@example.com").await;
    let other = app.signed_up_client("eve@example.com").await;
    let t_id = id_of(&pool, "tara@example.com").await;
    let trip = trip_for(&pool, t_id).await;
    let pdf = b"%PDF-1.4 boarding pass".to_vec();
    let send = |c: &reqwest::Client, name: &'static str, bytes: Vec<u8>| {
        c.post(app.url(&format!("/trips/{trip}/ticket")))
            .header("origin", format!("http://{}", app.addr))
            .multipart(reqwest::multipart::Form::new().part(
                "ticket",
                reqwest::multipart::Part::bytes(bytes).file_name(name),
            ))
            .send()
    };
    let location = |r: &reqwest::Response| r.headers()["location"].to_str().unwrap().to_string();

    let res = send(&other, "pass.pdf", pdf.clone()).await.unwrap();
    assert!(location(&res).contains("ticket_error=You%20do%20not%20have%20permission"));
    let res = send(&traveler, "pass.gif", b"GIF89a......".to_vec())
        .await
        .unwrap();
    assert!(
        location(&res).contains("ticket_error=pass.gif%3A%20a%20ticket%20must%20be%20a%20PDF"),
        "{}",
        location(&res)
    );
    let res = send(&traveler, "pass.pdf", pdf.clone()).await.unwrap();
    assert_eq!(location(&res), format!("/trips/{trip}?ticket=added"));

    let get = |c: &reqwest::Client| c.get(app.url(&format!("/trips/{trip}/ticket"))).send();
    let res = get(&traveler).await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    assert_eq!(res.headers()["cache-control"], "private, no-store");
    assert_eq!(res.bytes().await.unwrap().to_vec(), pdf);
    assert_eq!(get(&other).await.unwrap().status(), 404);
    assert!(location(&get(&app.client()).await.unwrap()).starts_with("/login"));
    sqlx::query("UPDATE users SET role = 'admin' WHERE email = 'eve@example.com'")
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(
        get(&other).await.unwrap().status(),
        200,
        "admins check tickets"
    );
    let status: String = sqlx::query_scalar("SELECT ticket_status FROM trips WHERE id = $1")
        .bind(trip)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(status, "submitted");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_trip_form_posts_its_fields_flat(pool: PgPool) {
    places::seed::run(&pool).await.unwrap();
    let app = support::spawn(pool.clone()).await;
    let traveler = app.signed_up_client("tara@example.com").await;
    let f = testkit::trip("CDG", "LHR", "10");
    let res = app
        .post_form(
            &traveler,
            "/api/trips/create",
            &[
                ("origin", f.origin.as_str()),
                ("destination", &f.destination),
                ("departs_at", &f.departs_at),
                ("arrives_at", &f.arrives_at),
                ("mode", "plane"),
                ("capacity_kg", "10"),
                ("price_per_kg", "5"),
                ("currency", "EUR"),
                ("categories[0]", "books"),
                ("categories[1]", "gifts"),
            ],
        )
        .await;
    let status = res.status();
    let body = res.text().await.unwrap();
    assert!(
        status.is_success() || status.is_redirection(),
        "{status}: {body}"
    );
    let cats: Vec<String> = sqlx::query_scalar("SELECT unnest(categories) FROM trips")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(cats, vec!["books".to_string(), "gifts".to_string()]);
}

/// A part of the booking page whose data fails to load (here the reviews, their table gone) is
/// said in its place, without internals, and the rest of the page is there.
#[sqlx::test(migrations = "../migrations")]
async fn a_booking_page_says_which_part_failed_and_shows_the_rest(pool: PgPool) {
    use app::server::bookings::{end, handoff, negotiate};
    let app = support::spawn(pool.clone()).await;
    let w = testkit::world(&pool, "10").await.unwrap();
    testkit::fund(&pool, w.sender, "100").await.unwrap();
    let booking = testkit::request(&pool, w.sender, w.parcel, w.trip, "part-error-booking")
        .await
        .unwrap();
    negotiate::accept(&pool, "http://localhost", w.traveler, booking, false)
        .await
        .unwrap();
    let code = |kind| testkit::handoff_code(&pool, booking, kind);
    let inspected = handoff::Inspection {
        contents_match: true,
        nothing_prohibited: true,
        electronics_power_on: false,
    };
    handoff::pick_up(
        &pool,
        w.traveler,
        booking,
        &code("pickup").await.unwrap(),
        inspected,
    )
    .await
    .unwrap();
    handoff::deliver(
        &pool,
        w.traveler,
        booking,
        &code("delivery").await.unwrap(),
        None,
    )
    .await
    .unwrap();
    end::confirm(&pool, w.sender, booking).await.unwrap();

    let cookie = app.session_cookie(w.sender).await;
    let page = || {
        let (client, url) = (app.client(), app.url(&format!("/bookings/{booking}")));
        let cookie = cookie.clone();
        async move {
            let res = client
                .get(url)
                .header("cookie", cookie)
                .send()
                .await
                .unwrap();
            (res.status().as_u16(), res.text().await.unwrap())
        }
    };
    let (status, html) = page().await;
    assert_eq!(status, 200);
    assert!(
        html.contains("data-testid=\"review-form\""),
        "the sender may review"
    );
    assert!(!html.contains("part-error"), "every part loads");

    sqlx::query("ALTER TABLE reviews RENAME TO reviews_gone")
        .execute(&pool)
        .await
        .unwrap();
    let (status, html) = page().await;
    assert_eq!(status, 200, "the booking itself still loads");
    assert!(html.contains("data-testid=\"part-error\""), "{html}");
    assert!(html.contains("The reviews could not be loaded: "));
    assert!(html.contains("Something went wrong on our side"));
    assert!(
        html.contains("data-testid=\"timeline\""),
        "the rest of the page is there"
    );
    assert!(
        !html.to_lowercase().contains("relation") && !html.contains("reviews_gone"),
        "no SQL in the page"
    );
}
