//! A workspace's stored title keys as a release with other normalisation rules would have
//! left them, for the tests of the rewrite at opening: the store's conformance test and the
//! CLI's (which includes this file by path), so that both age a workspace the same way.

use metiers_store::{Backend, Store};

/// The positions of the workspace to age: B1 and B2, one title in two writings, and Z1,
/// another title.
pub const POSITIONS_CSV: &str = "Identifiant;Intitulé du poste\r\n\
                                 B1;Chargé de la bidouille numérique\r\n\
                                 B2;CHARGÉ DE LA BIDOUILLE NUMÉRIQUE\r\n\
                                 Z1;Chargé du bricolage\r\n";

/// Ages a workspace that holds B1 (reviewed by Alice, its title learned) and B2 (the same
/// title in another writing): every key stale, the rules older, and an older lesson of the
/// title, in another writing, that the old rules kept apart (Bruno's, as specialiste-ihm),
/// whose proposal B2 holds.
pub const AGE_TITLE_KEYS: [&str; 5] = [
    "UPDATE positions SET title_key = 'ancienne-' || title_key",
    "UPDATE learned_titles SET title_key = 'ancienne-cle'",
    "UPDATE settings SET value = '0' WHERE key = 'title_key_rules'",
    "INSERT INTO learned_titles (title, title_key, occupation_id, learned_by, learned_at) \
     VALUES ('Chargé de la bidouille-numérique', 'autre-ancienne-cle', 'specialiste-ihm', \
     'Bruno', '2020-01-01T00:00:00Z')",
    // B2 as Bruno's lesson classified it.
    "UPDATE positions SET occupation_id = 'specialiste-ihm', status = 'proposed' \
     WHERE external_id = 'B2'",
];

/// Runs a statement on the store, whatever the backend: the number of rows it affected.
pub async fn execute(store: &Store, sql: &'static str) -> Result<u64, sqlx::Error> {
    match store.backend() {
        Backend::Sqlite(p) => sqlx::query(sql).execute(p).await.map(|r| r.rows_affected()),
        Backend::Postgres(p) => sqlx::query(sql).execute(p).await.map(|r| r.rows_affected()),
    }
}
