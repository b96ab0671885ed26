//! Rebuilds when a migration is added: `sqlx::migrate!` embeds the folders' files at compile
//! time, and cargo does not know to look at them.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
