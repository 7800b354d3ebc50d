//! The administrator token and session tokens of the portal, kept as hashes in the store,
//! and the store's settings (key and value) that hold the administrator token's hash.
//!
//! The token itself is never stored: only its SHA-256. Several portal instances on one
//! PostgreSQL database share the token and the sessions.

use crate::store::on_pool;
use crate::time::now_utc;
use crate::{Result, Store, StoreError};
use sha2::{Digest, Sha256};
use std::time::Duration;

/// Settings key of the administrator token's hash.
pub const ADMIN_TOKEN_KEY: &str = "admin_token_sha256";

/// What [`ensure_admin_token`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AdminToken {
    /// The token given by the environment is now the one in force.
    FromEnvironment,
    /// A token was already stored.
    Existing,
    /// A token was generated and stored: it must be shown once to the person starting the server.
    Generated(String),
}

/// Makes sure an administrator token exists: `from_env` (e.g. `METIERS_ADMIN_TOKEN`) replaces
/// the stored one; otherwise the stored one is kept; otherwise a new one is generated.
pub async fn ensure_admin_token(store: &Store, from_env: Option<&str>) -> Result<AdminToken> {
    if let Some(token) = from_env.map(str::trim).filter(|t| !t.is_empty()) {
        let hash = hash_token(token);
        // Written only when it changes, so that a read-only database still opens.
        if store.setting(ADMIN_TOKEN_KEY).await?.as_deref() != Some(hash.as_str()) {
            store.set_setting(ADMIN_TOKEN_KEY, &hash).await?;
        }
        return Ok(AdminToken::FromEnvironment);
    }
    if store.setting(ADMIN_TOKEN_KEY).await?.is_some() {
        return Ok(AdminToken::Existing);
    }
    let token = generate_token()?;
    let hash = hash_token(&token);
    // Another instance may have generated one at the same moment: the first stored wins.
    let in_force = store
        .setting_insert_if_absent(ADMIN_TOKEN_KEY, &hash)
        .await?;
    Ok(if in_force == hash {
        AdminToken::Generated(token)
    } else {
        AdminToken::Existing
    })
}

/// Whether `token` is the administrator token.
pub async fn check_admin_token(store: &Store, token: &str) -> Result<bool> {
    let Some(stored) = store.setting(ADMIN_TOKEN_KEY).await? else {
        return Ok(false);
    };
    Ok(constant_time_eq(
        stored.as_bytes(),
        hash_token(token.trim()).as_bytes(),
    ))
}

/// 32 random bytes in hex (64 characters).
pub fn generate_token() -> Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| StoreError::Classifier(format!("générateur aléatoire indisponible : {e}")))?;
    Ok(crate::import::hex(&bytes))
}

/// SHA-256 of a token, in hex.
pub fn hash_token(token: &str) -> String {
    crate::import::hex(&Sha256::digest(token.as_bytes()))
}

/// Compares two byte strings in a time that depends only on their lengths.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A session's last use is recorded when older than this (idle expiry, [`Store::session`]).
const SESSION_TOUCH_EVERY: Duration = Duration::from_secs(60);

/// A portal session in force, as [`Store::session`] finds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    /// The token every form of the session must carry.
    pub csrf_token: String,
    /// The name given at login, recorded with each decision.
    pub reviewer: String,
}

/// A setting's value (`$1`: its key); also read inside transactions.
pub(crate) const SELECT_SETTING: &str = "SELECT value FROM settings WHERE key = $1";
/// Stores a setting (`$1`, `$2`), replacing any previous value; also run inside transactions.
pub(crate) const UPSERT_SETTING: &str = "INSERT INTO settings (key, value) VALUES ($1, $2) \
     ON CONFLICT (key) DO UPDATE SET value = excluded.value";

impl Store {
    // ----- settings (key and value; the administrator token's hash) ------------------------

    /// A stored setting.
    pub async fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(on_pool!(self, pool => {
            sqlx::query_scalar(SELECT_SETTING).bind(key).fetch_optional(pool).await?
        }))
    }

    /// Stores `value` under `key` unless a value is already there; returns the value in force.
    pub async fn setting_insert_if_absent(&self, key: &str, value: &str) -> Result<String> {
        on_pool!(self, pool => {
            sqlx::query("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING")
                .bind(key)
                .bind(value)
                .execute(pool)
                .await?;
        });
        Ok(self.setting(key).await?.unwrap_or_else(|| value.to_owned()))
    }

    /// Stores `value` under `key`, replacing any previous one.
    pub async fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        on_pool!(self, pool => {
            sqlx::query(UPSERT_SETTING)
                .bind(key)
                .bind(value)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    // ----- sessions of the portal -----------------------------------------------------------

    /// Records a session (by the hash of its token) of `reviewer`, valid until `expires_at`
    /// (absolute expiry) and last used now (see [`Store::session`] for the idle expiry).
    pub async fn create_session(
        &self,
        token_hash: &str,
        csrf_token: &str,
        reviewer: &str,
        expires_at: &str,
    ) -> Result<()> {
        let now = now_utc();
        on_pool!(self, pool => {
            sqlx::query("DELETE FROM sessions WHERE expires_at < $1").bind(&now).execute(pool).await?;
            sqlx::query(
                "INSERT INTO sessions (token_hash, csrf_token, reviewer, created_at, expires_at, last_seen_at) VALUES ($1, $2, $3, $4, $5, $4)",
            )
            .bind(token_hash)
            .bind(csrf_token)
            .bind(reviewer)
            .bind(&now)
            .bind(expires_at)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// The CSRF token and reviewer's name of a session that has neither expired (`expires_at`)
    /// nor been left unused for `idle` or more. Using a session records the time, at most
    /// once a minute (a write per minute and session, not per request).
    pub async fn session(&self, token_hash: &str, idle: Duration) -> Result<Option<SessionRecord>> {
        let now_time = std::time::SystemTime::now();
        let now = crate::time::format_utc(now_time);
        let idle_since =
            crate::time::format_utc(now_time.checked_sub(idle).unwrap_or(std::time::UNIX_EPOCH));
        let row: Option<(String, String, String)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT csrf_token, reviewer, last_seen_at FROM sessions WHERE token_hash = $1 AND expires_at > $2 AND last_seen_at > $3",
            )
            .bind(token_hash)
            .bind(&now)
            .bind(&idle_since)
            .fetch_optional(pool)
            .await?
        });
        let Some((csrf, reviewer, last_seen)) = row else {
            return Ok(None);
        };
        let touch_before = crate::time::format_utc(
            now_time
                .checked_sub(SESSION_TOUCH_EVERY)
                .unwrap_or(std::time::UNIX_EPOCH),
        );
        if last_seen < touch_before {
            on_pool!(self, pool => {
                sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
                    .bind(&now)
                    .bind(token_hash)
                    .execute(pool)
                    .await?;
            });
        }
        Ok(Some(SessionRecord {
            csrf_token: csrf,
            reviewer,
        }))
    }

    /// Ends a session.
    pub async fn delete_session(&self, token_hash: &str) -> Result<()> {
        on_pool!(self, pool => {
            sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(pool).await?;
        });
        Ok(())
    }
}
