//! Places: seeding, autocomplete and resolving what was typed.

use super::support::*;
use app::server::places;
use sqlx::PgPool;

#[sqlx::test(migrations = "../migrations")]
async fn autocomplete_ranks_big_cities_and_exact_codes_first(pool: PgPool) {
    setup(&pool).await;
    assert!(
        !places::seed::run(&pool).await.unwrap(),
        "seeding twice is a no-op"
    );
    let par = places::search(&pool, "par", 8).await.unwrap();
    assert_eq!(par[0].label, "Paris, France");
    assert!(
        par[1].airport && par[1].label.contains("CDG") || par[1].label.contains("ORY"),
        "{par:?}"
    );
    let cdg = places::search(&pool, "CDG", 5).await.unwrap();
    assert!(
        cdg[0].label.contains("Charles de Gaulle") && cdg[0].airport,
        "{cdg:?}"
    );
    let accents = places::search(&pool, "sao paulo", 3).await.unwrap();
    assert!(accents[0].label.starts_with("São Paulo"), "{accents:?}");
    assert!(places::search(&pool, "p", 5).await.unwrap().is_empty());
    let cdg = places::resolve(&pool, "cdg").await.unwrap().unwrap();
    let paris = places::resolve(&pool, "Paris, France")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(cdg.metro_id, paris.id, "an airport belongs to its city");
    assert!(places::resolve(&pool, "Qwxzzy").await.unwrap().is_none());
}
