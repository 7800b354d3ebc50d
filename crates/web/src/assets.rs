//! Static assets embedded in the binary: the DSFR (fetched at build time, see `build.rs`)
//! and the portal's own stylesheet and script.
//!
//! Paths carry the version (`/static/dsfr-1.15.3/…`, `/static/app-<hash>/…`) so that the
//! assets can be cached for a year. Data only: `static_files` serves them.

use std::sync::LazyLock;

include!(concat!(env!("OUT_DIR"), "/dsfr_assets.rs"));

/// The portal's own files: path under `/static/app/` and bytes.
pub static APP_FILES: &[(&str, &[u8])] = &[
    ("app.css", include_bytes!("../static/app.css")),
    ("app.js", include_bytes!("../static/app.js")),
];

/// URL prefix of the DSFR files.
pub static DSFR_PREFIX: LazyLock<String> = LazyLock::new(|| format!("/static/dsfr-{DSFR_VERSION}"));

/// URL prefix of the portal's files: changes whenever one of them changes.
pub static APP_PREFIX: LazyLock<String> = LazyLock::new(|| {
    // FNV-1a over the files: a short, stable fingerprint.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for (name, bytes) in APP_FILES {
        for b in name.bytes().chain(bytes.iter().copied()) {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("/static/app-{:08x}", hash >> 32)
});

/// The DSFR version embedded.
pub fn dsfr_version() -> &'static str {
    DSFR_VERSION
}

/// The file at `path` in a table of embedded files: its content type and bytes. Nothing
/// else can be found (no file system access, so `..` cannot escape anything).
pub fn lookup(
    table: &'static [(&'static str, &'static [u8])],
    path: &str,
) -> Option<(&'static str, &'static [u8])> {
    table
        .iter()
        .find(|(name, _)| *name == path)
        .map(|(name, bytes)| (content_type(name), *bytes))
}

fn content_type(name: &str) -> &'static str {
    match name.rsplit('.').next().unwrap_or_default() {
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "webmanifest" => "application/manifest+json",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dsfr_files_the_pages_need_are_embedded() {
        for needed in [
            "dsfr.min.css",
            "dsfr.module.min.js",
            "dsfr.nomodule.min.js",
            "favicon/favicon.svg",
            "fonts/Marianne-Regular.woff2",
            "icons/system/search-line.svg",
        ] {
            assert!(
                DSFR_FILES
                    .iter()
                    .any(|(p, b)| *p == needed && !b.is_empty()),
                "{needed} manque"
            );
        }
    }
}
