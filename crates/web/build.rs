//! Fetches the French State design system (DSFR) from the npm registry at a pinned version,
//! checks the tarball against the registry's sha512 integrity, extracts the files the pages
//! need into `OUT_DIR/dsfr/` and writes `OUT_DIR/dsfr_assets.rs`, which embeds them.
//!
//! Nothing of the DSFR is committed and nothing is fetched at run time. Offline builds can
//! point `METIERS_DSFR_TARBALL` at a copy of the tarball (it is checked the same way).

use base64::Engine as _;
use sha2::{Digest, Sha512};
use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Component, Path, PathBuf};
use std::process::Command;

const PACKAGE: &str = "@gouvfr/dsfr";
const VERSION: &str = "1.15.3";
/// `npm view @gouvfr/dsfr@1.15.3 dist.integrity`
const INTEGRITY: &str = "sha512-R9AALZc1LfZjtytWZMOaUIOHWTkllBZ/sZlsL8TpKZVgF3qUKXt/uNYh+L1D1Fh4p92ZqWxbtNcebsigBZe5pQ==";
const TARBALL_NAME: &str = "gouvfr-dsfr-1.15.3.tgz";

/// Files taken as they are (paths under `package/dist/`); the fonts and icons that the
/// stylesheet references are added to them.
const ROOT_FILES: &[&str] = &[
    "dsfr.min.css",
    "dsfr.module.min.js",
    "dsfr.nomodule.min.js",
    "favicon/favicon.svg",
    "favicon/favicon.ico",
    "favicon/apple-touch-icon.png",
    "favicon/android-chrome-192x192.png",
    "favicon/android-chrome-512x512.png",
    "favicon/manifest.webmanifest",
];

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=METIERS_DSFR_TARBALL");
    if let Err(message) = run() {
        // A build script reports failure by panicking; the message says what to do.
        panic!("\n\nDSFR {VERSION} : {message}\n\n");
    }
}

fn run() -> Result<(), String> {
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").map_err(|e| e.to_string())?);
    let tarball = tarball(&out_dir)?;
    let bytes = std::fs::read(&tarball)
        .map_err(|e| format!("lecture de {} impossible : {e}", tarball.display()))?;
    check_integrity(&bytes)?;

    let files = read_dist(&bytes)?;
    let css = files
        .iter()
        .find(|(p, _)| p == "dsfr.min.css")
        .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
        .ok_or("dist/dsfr.min.css absent de l’archive")?;
    let mut wanted: BTreeSet<String> = ROOT_FILES.iter().map(|s| (*s).to_owned()).collect();
    wanted.extend(css_references(&css));

    let dest = out_dir.join("dsfr");
    let mut entries = Vec::new();
    for (path, data) in &files {
        if !wanted.remove(path) {
            continue;
        }
        let target = dest.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
        }
        std::fs::write(&target, data).map_err(|e| e.to_string())?;
        entries.push((path.clone(), target));
    }
    if !wanted.is_empty() {
        return Err(format!("fichiers absents de l’archive : {wanted:?}"));
    }

    let mut code = String::from(
        "/// The DSFR files the pages use: path under `/static/dsfr/` and bytes.\n\
         pub(crate) static DSFR_FILES: &[(&str, &[u8])] = &[\n",
    );
    for (path, target) in &entries {
        code.push_str(&format!(
            "    ({path:?}, include_bytes!({:?})),\n",
            target.display().to_string()
        ));
    }
    code.push_str("];\n");
    code.push_str(&format!(
        "/// Version of the embedded DSFR.\npub(crate) const DSFR_VERSION: &str = {VERSION:?};\n"
    ));
    std::fs::write(out_dir.join("dsfr_assets.rs"), code).map_err(|e| e.to_string())
}

/// The tarball: `METIERS_DSFR_TARBALL`, or one already fetched into `OUT_DIR`, or `npm pack`.
fn tarball(out_dir: &Path) -> Result<PathBuf, String> {
    if let Ok(path) = std::env::var("METIERS_DSFR_TARBALL") {
        return Ok(PathBuf::from(path));
    }
    let cached = out_dir.join(TARBALL_NAME);
    if let Ok(bytes) = std::fs::read(&cached)
        && check_integrity(&bytes).is_ok()
    {
        return Ok(cached);
    }
    let npm = if cfg!(windows) { "npm.cmd" } else { "npm" };
    let status = Command::new(npm)
        .args([
            "pack",
            &format!("{PACKAGE}@{VERSION}"),
            "--silent",
            "--pack-destination",
        ])
        .arg(out_dir)
        .current_dir(out_dir)
        .status()
        .map_err(|e| {
            format!(
                "npm introuvable ({e}) : installez Node.js et npm, ou indiquez une copie de \
                 l’archive {TARBALL_NAME} dans METIERS_DSFR_TARBALL"
            )
        })?;
    if !status.success() {
        return Err(format!(
            "« npm pack {PACKAGE}@{VERSION} » a échoué ({status}) : vérifiez l’accès au registre npm, \
             ou indiquez une copie de l’archive dans METIERS_DSFR_TARBALL"
        ));
    }
    Ok(cached)
}

fn check_integrity(bytes: &[u8]) -> Result<(), String> {
    let digest = Sha512::digest(bytes);
    let actual = format!(
        "sha512-{}",
        base64::engine::general_purpose::STANDARD.encode(digest)
    );
    if actual == INTEGRITY {
        Ok(())
    } else {
        Err(format!(
            "empreinte de l’archive inattendue : {actual}, attendu {INTEGRITY}"
        ))
    }
}

/// Every regular file under `package/dist/`, with its path relative to `dist/`.
fn read_dist(tgz: &[u8]) -> Result<Vec<(String, Vec<u8>)>, String> {
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(tgz));
    let mut files = Vec::new();
    for entry in archive.entries().map_err(|e| e.to_string())? {
        let mut entry = entry.map_err(|e| e.to_string())?;
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let path = entry.path().map_err(|e| e.to_string())?.into_owned();
        let Ok(rel) = path.strip_prefix("package/dist") else {
            continue;
        };
        // Only plain relative components: nothing may escape OUT_DIR.
        if !rel.components().all(|c| matches!(c, Component::Normal(_))) {
            continue;
        }
        let Some(rel) = rel.to_str().map(|s| s.replace('\\', "/")) else {
            continue;
        };
        let mut data = Vec::new();
        entry.read_to_end(&mut data).map_err(|e| e.to_string())?;
        files.push((rel, data));
    }
    Ok(files)
}

/// Relative `url(…)` references of the stylesheet (fonts, icons), data URIs left out.
fn css_references(css: &str) -> BTreeSet<String> {
    let mut refs = BTreeSet::new();
    let mut rest = css;
    while let Some(start) = rest.find("url(") {
        rest = &rest[start + 4..];
        let Some(end) = rest.find(')') else { break };
        let url = rest[..end].trim().trim_matches(|c| c == '"' || c == '\'');
        if !url.starts_with("data:") && !url.contains("://") && !url.starts_with('#') {
            let url = url.split(['?', '#']).next().unwrap_or(url);
            refs.insert(url.trim_start_matches("./").to_owned());
        }
        rest = &rest[end..];
    }
    refs
}
