//! The HTML surface: one module per page area, each with `configure`.

pub mod activation;
pub mod admin;
pub mod apply;
pub mod assets;
pub mod audit_log;
pub mod chart;
pub mod confirm;
pub mod console;
pub mod csrf;
pub use crate::http::csv;
pub mod error;
pub mod error_page;
pub mod filters;
pub mod guard;
pub mod invitation;
pub mod keys;
pub mod local_path;
pub mod logos;
pub mod multipart;
pub mod ops;
pub mod page;
pub mod passkeys;
pub mod public;
pub mod second_step;
pub mod security;
pub mod session;
pub mod sign_in;
pub use crate::http::client_addr;
pub use crate::paths as routes;
pub mod signup;
pub mod user_agent;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    ops::configure(cfg);
    public::configure(cfg);
    apply::configure(cfg);
    activation::configure(cfg);
    invitation::configure(cfg);
    signup::configure(cfg);
    logos::configure(cfg);
    sign_in::configure(cfg);
    second_step::configure(cfg);
    security::configure(cfg);
    passkeys::configure(cfg);
    admin::configure(cfg);
    console::configure(cfg);
}

#[cfg(test)]
mod tests {
    /// The `configure()` functions of the pages, as written.
    fn configure_bodies() -> String {
        fn walk(dir: &std::path::Path, out: &mut String) {
            for e in std::fs::read_dir(dir).unwrap().flatten() {
                let p = e.path();
                if p.is_dir() {
                    walk(&p, out);
                } else if p.extension().is_some_and(|x| x == "rs") {
                    let text = std::fs::read_to_string(&p).unwrap();
                    for part in text.split("pub fn configure(").skip(1) {
                        out.push_str(part.split("\n}\n").next().unwrap_or_default());
                    }
                }
            }
        }
        let mut out = String::new();
        walk(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/web"),
            &mut out,
        );
        out
    }

    /// Templates link only to named paths (`paths::tests`), so a link to a path no route serves
    /// is a named path that no `configure()` mounts.
    #[test]
    fn every_named_page_path_is_mounted() {
        let mounted = configure_bodies();
        assert!(
            mounted.contains("routes::"),
            "the configure() bodies were read"
        );
        let unmounted: Vec<_> = crate::paths::PAGES
            .iter()
            .filter(|(name, _)| {
                !mounted.contains(&format!("routes::{name})"))
                    && !mounted.contains(&format!("routes::{name},"))
            })
            .collect();
        assert!(
            unmounted.is_empty(),
            "named but mounted by no configure(): {unmounted:?}"
        );
    }
}
