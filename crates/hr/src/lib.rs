//! What HR work needs beyond the référentiel, computed on the skills graph of
//! `metiers-knowledge`.
//!
//! - [`space::SkillSpace`]: the occupations as weighted skills (core, rarity, level) and the
//!   closeness of skills; what everything below is computed on.
//! - [`mobility`]: « Métiers proches » and « De A vers B » on skills, with the ROME
//!   mobilities between the corresponding fiches beside.
//! - [`profile`]: « Mon profil »: a person's skills (ticked, from their activities, or found
//!   in their text), the occupations ranked for them, the training needs.
//! - [`job_description`]: draft job descriptions (fiches de poste), with the skills of the
//!   ticked activities; [`document`] renders them as Markdown, HTML, DOCX and ODT.
//! - [`eval`]: the outside measures of mobility and gaps.

pub mod document;
pub mod eval;
pub mod job_description;
pub mod mobility;
pub mod profile;
pub mod space;
