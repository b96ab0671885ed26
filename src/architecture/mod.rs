//! The shape of the code, checked (issue 22): which source file uses which, read from the files
//! themselves. Two rules hold it: no circle of imports among `src/` files, and the arrows point
//! down (`web`, `api` → `app` → the rest; `api` takes nothing from `web`; nothing below the
//! surfaces names them or actix-web).
//!
//! A file uses another when its code (tests left out) names a path into it: a `use` tree or an
//! inline `crate::…`/`super::…`/`self::…` path, or a child module by name. A path is resolved to the
//! longest module that is a file of its own.

mod graph;

use std::path::{Path, PathBuf};

use graph::{Module, circles, code_of, graph, modules, name, named_paths, use_paths};

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The modules below the HTTP surfaces: they name no surface, no request state, no actix-web.
const BELOW: &[&str] = &[
    "app",
    "store",
    "billing",
    "domain",
    "mail",
    "documents",
    "credentials",
    "clock",
    "paths",
    "tokens",
    "i18n",
    "config",
    "progress",
    "metrics",
    "webhooks",
];
/// The surfaces and what serves them: they call the use cases. `demo` seeds the demo data
/// through the use cases, as the CLI's `demo` command does.
const SURFACES: &[&str] = &[
    "web",
    "api",
    "state",
    "startup",
    "http",
    "telemetry",
    "demo",
];

#[test]
fn no_circle_of_imports_among_source_files() {
    let g = graph(&src());
    assert!(g.len() > 100, "the files were read: {}", g.len());
    let page = g[&vec!["web".to_string(), "page".to_string()]].iter();
    assert!(page.clone().any(|m| m[0] == "i18n"), "edges were read");
    let found = circles(&g);
    assert!(found.is_empty(), "circles of imports: {found:#?}");
}

#[test]
fn arrows_point_down() {
    let g = graph(&src());
    let top = |m: &Module| m.first().cloned().unwrap_or_default();
    let mut wrong = Vec::new();
    for (from, tos) in &g {
        for to in tos {
            let (a, b) = (top(from), top(to));
            let up = (BELOW.contains(&a.as_str()) && SURFACES.contains(&b.as_str()))
                || (a == "api" && b == "web");
            if up {
                wrong.push(format!("{} -> {}", name(from), name(to)));
            }
        }
    }
    assert!(wrong.is_empty(), "arrows pointing up: {wrong:#?}");
    // Every top-level module is placed on one side or the other.
    for m in g.keys().filter(|m| m.len() == 1) {
        let t = m[0].as_str();
        assert!(
            BELOW.contains(&t) || SURFACES.contains(&t) || t == "architecture",
            "{t} is neither below nor a surface: place it"
        );
    }
}

/// Handlers call use cases; they take no store connection of their own. The readiness probe
/// asks the store itself, and the API key's Digest check (an extractor) reads the key.
#[test]
fn handlers_take_no_store_connection() {
    const MAY: &[&str] = &["web/ops.rs", "api/auth.rs"];
    let mut wrong = Vec::new();
    for (m, file) in modules(&src()) {
        let rel = file
            .strip_prefix(src())
            .expect("under src/")
            .display()
            .to_string();
        if !matches!(m.first().map(String::as_str), Some("web" | "api"))
            || MAY.contains(&rel.as_str())
        {
            continue;
        }
        let code = code_of(&std::fs::read_to_string(&file).expect("readable"));
        for call in ["db.acquire()", "db.begin()"] {
            if code.contains(call) {
                wrong.push(format!("{rel}: {call}"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "move these reads into a use case: {wrong:#?}"
    );
}

#[test]
fn no_source_file_is_over_450_lines() {
    let long: Vec<String> = modules(&src())
        .values()
        .filter_map(|f| {
            let n = std::fs::read_to_string(f)
                .expect("readable")
                .lines()
                .count();
            (n > 450).then(|| format!("{}: {n}", f.display()))
        })
        .collect();
    assert!(
        long.is_empty(),
        "split these along page or use-case lines: {long:#?}"
    );
}

/// A page's template sits where its handler file does: `web/console/team.rs` renders
/// `console/team.html`, a file of several pages renders `console/api_keys/list.html` and its
/// siblings. A `mod.rs` renders nothing: its pages have files of their own.
#[test]
fn templates_mirror_the_handler_files_that_render_them() {
    let web = src().join("web");
    let mut wrong = Vec::new();
    let mut seen = 0;
    for (m, file) in modules(&src()) {
        if m.first().is_none_or(|t| t != "web") {
            continue;
        }
        let text = std::fs::read_to_string(&file).expect("readable");
        let stem = file
            .strip_prefix(&web)
            .expect("under src/web")
            .with_extension("")
            .to_string_lossy()
            .replace('\\', "/");
        for part in text.split("#[template(path = \"").skip(1) {
            let path = part.split('"').next().unwrap_or_default();
            seen += 1;
            let mirrors = path == format!("{stem}.html")
                || (!stem.ends_with("mod") && path.starts_with(&format!("{stem}/")));
            if !mirrors {
                wrong.push(format!("{}: {path}", file.display()));
            }
        }
    }
    assert!(seen > 30, "the templates were found: {seen}");
    assert!(wrong.is_empty(), "move these templates: {wrong:#?}");
}

#[test]
fn nothing_below_the_surfaces_names_actix() {
    let all = modules(&src());
    let mut wrong = Vec::new();
    for (m, file) in &all {
        if !m.first().is_some_and(|t| BELOW.contains(&t.as_str())) {
            continue;
        }
        let code = code_of(&std::fs::read_to_string(file).expect("readable"));
        if code.contains("actix_") {
            wrong.push(file.display().to_string());
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn the_reader_finds_what_a_use_tree_names() {
    let mut out = Vec::new();
    use_paths(
        "super::{a, b::{c, d as e}, self}",
        &["x".to_string()],
        &mut out,
    );
    let names: Vec<String> = out.iter().map(|p| p.join("::")).collect();
    assert_eq!(
        names,
        [
            "x::super::a",
            "x::super::b::c",
            "x::super::b::d",
            "x::super"
        ]
    );
    let code = code_of("// use crate::web;\nlet s = \"crate::api\"; crate::store::users::x();");
    let named: Vec<String> = named_paths(&code).iter().map(|p| p.join("::")).collect();
    assert_eq!(named, ["crate::store::users::x"]);
}
