//! The migrations are embedded by `sqlx::migrate!`, which does not see a new file by itself:
//! build again when the folder changes.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
