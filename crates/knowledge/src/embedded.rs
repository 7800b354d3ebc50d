//! The repertories' slices as the binary embeds them: gzip-compressed by `build.rs`, inflated
//! here when first read.

use std::io::Read;

use crate::KnowledgeError;

macro_rules! slice {
    ($name:literal) => {
        (
            concat!("data/", $name),
            include_bytes!(concat!(env!("OUT_DIR"), "/", $name, ".gz")).as_slice(),
        )
    };
}

pub(crate) const ROME_FICHES: (&str, &[u8]) = slice!("rome-fiches.csv");
pub(crate) const ROME_APPELLATIONS: (&str, &[u8]) = slice!("rome-appellations.csv");
pub(crate) const ROME_SKILLS: (&str, &[u8]) = slice!("rome-competences.csv");
pub(crate) const ROME_MOBILITIES: (&str, &[u8]) = slice!("rome-mobilites.csv");
pub(crate) const ESCO_OCCUPATIONS: (&str, &[u8]) = slice!("esco-occupations.csv");
pub(crate) const ESCO_SKILLS: (&str, &[u8]) = slice!("esco-skills.csv");
pub(crate) const ESCO_OCCUPATION_SKILLS: (&str, &[u8]) = slice!("esco-occupation_skills.csv");

/// The text of an embedded slice.
pub(crate) fn text((file, gz): (&'static str, &[u8])) -> Result<String, KnowledgeError> {
    let mut out = String::new();
    flate2::read::GzDecoder::new(gz)
        .read_to_string(&mut out)
        .map_err(|e| KnowledgeError::Csv {
            file,
            message: format!("extrait embarqué illisible : {e}"),
        })?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_slices_are_the_files_of_data() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../");
        for (slice, path) in [
            (ROME_FICHES, "data/rome/fiches.csv"),
            (ROME_APPELLATIONS, "data/rome/appellations.csv"),
            (ROME_SKILLS, "data/rome/competences.csv"),
            (ROME_MOBILITIES, "data/rome/mobilites.csv"),
            (ESCO_OCCUPATIONS, "data/esco/occupations.csv"),
            (ESCO_SKILLS, "data/esco/skills.csv"),
            (ESCO_OCCUPATION_SKILLS, "data/esco/occupation_skills.csv"),
        ] {
            let file = std::fs::read_to_string(format!("{root}{path}")).expect(path);
            assert_eq!(text(slice).expect(path), file, "{path}");
        }
    }
}
