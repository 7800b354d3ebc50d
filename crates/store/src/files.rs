//! File errors as a person reads them, in French.

use std::path::Path;

use crate::StoreError;

/// A file operation that failed, with the file and the reason.
pub(crate) fn io(path: &Path, e: &std::io::Error) -> StoreError {
    StoreError::Backup(format!("« {} » : {}", path.display(), io_reason(e)))
}

pub(crate) fn io_reason(e: &std::io::Error) -> &'static str {
    use std::io::ErrorKind;
    match e.kind() {
        ErrorKind::NotFound => "fichier introuvable",
        ErrorKind::PermissionDenied => "accès refusé",
        ErrorKind::StorageFull => "disque plein",
        ErrorKind::ReadOnlyFilesystem => "système de fichiers en lecture seule",
        ErrorKind::AlreadyExists => "le fichier existe déjà",
        _ => "erreur d’entrée-sortie",
    }
}
