//! The administrator token and session tokens of the portal, kept as hashes in the store.
//!
//! The token itself is never stored: only its SHA-256. Several portal instances on one
//! PostgreSQL database share the token and the sessions.

use crate::{Result, Store, StoreError};
use sha2::{Digest, Sha256};

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
