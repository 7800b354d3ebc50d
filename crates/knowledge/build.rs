//! Compresses the ROME and ESCO slices (`data/rome/*.csv`, `data/esco/*.csv`, 4.4 MB of
//! text) into `OUT_DIR` with gzip, so that the binary embeds 0.8 MB instead; `embedded.rs`
//! inflates them once, when the repertories are first read. The files in `data/` stay the
//! reviewed source.

use std::io::Write;
use std::path::Path;

const FILES: &[&str] = &[
    "rome/fiches.csv",
    "rome/appellations.csv",
    "rome/competences.csv",
    "rome/mobilites.csv",
    "esco/occupations.csv",
    "esco/skills.csv",
    "esco/occupation_skills.csv",
];

fn main() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data");
    let out = std::path::PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR"));
    for name in FILES {
        let from = data.join(name);
        println!("cargo:rerun-if-changed={}", from.display());
        let bytes = std::fs::read(&from)
            .unwrap_or_else(|e| panic!("lecture de {} impossible : {e}", from.display()));
        let to = out.join(format!("{}.gz", name.replace('/', "-")));
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(&bytes).expect("compression en mémoire");
        let compressed = gz.finish().expect("compression en mémoire");
        std::fs::write(&to, compressed)
            .unwrap_or_else(|e| panic!("écriture de {} impossible : {e}", to.display()));
    }
}
