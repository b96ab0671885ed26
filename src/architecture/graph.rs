//! Reading which source file uses which, from the files themselves.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

pub(super) type Module = Vec<String>;

/// Every `.rs` file under `src/` (but `main.rs`, which is the binary), by its module path.
pub(super) fn modules(root: &Path) -> BTreeMap<Module, PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).expect("src/ is readable").flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    let mut files = Vec::new();
    walk(root, &mut files);
    let mut out = BTreeMap::new();
    for f in files {
        let rel = f.strip_prefix(root).expect("under src/").with_extension("");
        let mut m: Module = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        if m.last().is_some_and(|l| l == "mod") {
            m.pop();
        }
        match m.as_slice() {
            [one] if one == "main" => continue,
            [one] if one == "lib" => m.clear(),
            _ => {}
        }
        out.insert(m, f);
    }
    out
}

/// The code of a file without its tests, comments and the insides of string literals.
pub(super) fn code_of(text: &str) -> String {
    let text = text.split("#[cfg(test)]").next().unwrap_or_default();
    let mut out = String::with_capacity(text.len());
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                    i += 1;
                }
                i += 2;
            }
            b'"' => {
                // Raw strings (r"…", r#"…"#) have no escapes; plain ones do.
                let raw = i > 0 && (b[i - 1] == b'r' || b[i - 1] == b'#');
                let hashes = if raw {
                    b[..i].iter().rev().take_while(|c| **c == b'#').count()
                } else {
                    0
                };
                i += 1;
                while i < b.len() {
                    if !raw && b[i] == b'\\' {
                        i += 2;
                        continue;
                    }
                    if b[i] == b'"' && b[i + 1..].iter().take(hashes).all(|c| *c == b'#') {
                        i += 1 + hashes;
                        break;
                    }
                    i += 1;
                }
                out.push_str("\"\"");
            }
            b'\'' if b.get(i + 2) == Some(&b'\'') || b.get(i + 1) == Some(&b'\\') => {
                // A char literal ('x', '\n', '\''): skip it whole, not a lifetime.
                i += 1;
                if b.get(i) == Some(&b'\\') {
                    i += 1;
                }
                i += 1;
                while i < b.len() && b[i] != b'\'' {
                    i += 1;
                }
                i += 1;
                out.push_str("' '");
            }
            c => {
                out.push(c as char);
                i += 1;
            }
        }
    }
    out
}

pub(super) fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The paths a `use` tree names (`a::{b, c::{d, e as f}, self}` → `a::b`, `a::c::d`, …).
pub(super) fn use_paths(tree: &str, prefix: &[String], out: &mut Vec<Module>) {
    let tree = tree.trim();
    if tree.is_empty() {
        return;
    }
    // Split at the top-level `::{`.
    let mut depth = 0;
    for (i, c) in tree.char_indices() {
        match c {
            '{' if depth == 0 => {
                let head: Vec<String> = tree[..i]
                    .trim_end_matches("::")
                    .split("::")
                    .filter(|s| !s.trim().is_empty())
                    .map(|s| s.trim().to_string())
                    .collect();
                let inner = &tree[i + 1..tree.rfind('}').unwrap_or(tree.len())];
                let mut base = prefix.to_vec();
                base.extend(head);
                let mut d = 0;
                let mut start = 0;
                for (j, ch) in inner.char_indices() {
                    match ch {
                        '{' => d += 1,
                        '}' => d -= 1,
                        ',' if d == 0 => {
                            use_paths(&inner[start..j], &base, out);
                            start = j + 1;
                        }
                        _ => {}
                    }
                }
                use_paths(&inner[start..], &base, out);
                return;
            }
            '{' => depth += 1,
            '}' => depth -= 1,
            _ => {}
        }
    }
    let path = tree.split(" as ").next().unwrap_or(tree);
    let mut full = prefix.to_vec();
    for seg in path.split("::").map(str::trim).filter(|s| !s.is_empty()) {
        if seg != "self" || full.is_empty() {
            full.push(seg.to_string());
        }
    }
    out.push(full);
}

/// The raw paths a file names: its `use` trees and its inline `crate::`/`super::`/`self::` paths.
/// A parent's `pub use child::Item` (a re-export, how a module presents its children) is left
/// out: it is the child's item, not a use of it by the parent's code.
pub(super) fn named_paths(code: &str) -> Vec<Module> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.find("use ") {
        let before = rest[..i].chars().last();
        let reexport = rest[..i].trim_end().ends_with("pub");
        let after = &rest[i + 4..];
        if before.is_none_or(|c| !is_ident(c))
            && let Some(end) = after.find(';')
        {
            let mut paths = Vec::new();
            use_paths(&after[..end], &[], &mut paths);
            // `pub use child::X` names no `crate`/`super`/`self`: a child of this module.
            out.extend(paths.into_iter().filter(|p| {
                !reexport
                    || p.first()
                        .is_some_and(|f| ["crate", "super", "self"].contains(&f.as_str()))
            }));
        }
        rest = after;
    }
    for start in ["crate::", "super::", "self::"] {
        let mut from = 0;
        while let Some(i) = code[from..].find(start) {
            let at = from + i;
            from = at + start.len();
            if code[..at].chars().last().is_some_and(is_ident) {
                continue;
            }
            let tail = &code[at..];
            let end = tail
                .find(|c: char| !(is_ident(c) || c == ':'))
                .unwrap_or(tail.len());
            out.push(
                tail[..end]
                    .split("::")
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect(),
            );
        }
    }
    out
}

/// `path` as named in module `at`, made absolute; `None` for another crate.
pub(super) fn absolute(
    path: &[String],
    at: &Module,
    all: &BTreeMap<Module, PathBuf>,
) -> Option<Module> {
    let (first, rest) = path.split_first()?;
    let mut base = match first.as_str() {
        "crate" => Vec::new(),
        "self" => at.clone(),
        "super" => {
            let mut m = at.clone();
            m.pop();
            let mut rest = rest;
            while rest.first().is_some_and(|s| s == "super") {
                m.pop();
                rest = &rest[1..];
            }
            let mut out = m;
            out.extend(rest.iter().cloned());
            return Some(out);
        }
        // A child module named by itself (`pub use guard::X` in a mod.rs).
        name => {
            let mut child = at.clone();
            child.push(name.to_string());
            if all.contains_key(&child) {
                child.extend(rest.iter().cloned());
                return Some(child);
            }
            return None;
        }
    };
    base.extend(rest.iter().cloned());
    Some(base)
}

/// The file module that `path` lands in: its longest prefix that is a file.
pub(super) fn file_of(path: &[String], all: &BTreeMap<Module, PathBuf>) -> Option<Module> {
    (1..=path.len())
        .rev()
        .map(|n| path[..n].to_vec())
        .find(|m| all.contains_key(m))
}

/// Which file uses which.
pub(super) fn graph(root: &Path) -> BTreeMap<Module, BTreeSet<Module>> {
    let all = modules(root);
    let mut edges = BTreeMap::new();
    for (m, file) in &all {
        let code = code_of(&std::fs::read_to_string(file).expect("readable"));
        let uses: BTreeSet<Module> = named_paths(&code)
            .iter()
            .filter_map(|p| absolute(p, m, &all))
            .filter_map(|p| file_of(&p, &all))
            .filter(|to| to != m && !to.is_empty())
            .collect();
        edges.insert(m.clone(), uses);
    }
    edges
}

pub(super) fn name(m: &Module) -> String {
    m.join("::")
}

/// Strongly connected components of more than one file: the circles.
pub(super) fn circles(g: &BTreeMap<Module, BTreeSet<Module>>) -> Vec<Vec<String>> {
    struct Tarjan<'a> {
        g: &'a BTreeMap<Module, BTreeSet<Module>>,
        index: BTreeMap<&'a Module, usize>,
        low: BTreeMap<&'a Module, usize>,
        stack: Vec<&'a Module>,
        on: BTreeSet<&'a Module>,
        found: Vec<Vec<String>>,
    }
    impl<'a> Tarjan<'a> {
        fn visit(&mut self, v: &'a Module) {
            let n = self.index.len();
            self.index.insert(v, n);
            self.low.insert(v, n);
            self.stack.push(v);
            self.on.insert(v);
            for w in self.g.get(v).into_iter().flatten() {
                if !self.g.contains_key(w) {
                    continue;
                }
                if !self.index.contains_key(w) {
                    self.visit(w);
                    let lw = self.low[w];
                    let lv = self.low.get_mut(v).expect("visited");
                    *lv = (*lv).min(lw);
                } else if self.on.contains(w) {
                    let iw = self.index[w];
                    let lv = self.low.get_mut(v).expect("visited");
                    *lv = (*lv).min(iw);
                }
            }
            if self.low[v] == self.index[v] {
                let mut comp = Vec::new();
                while let Some(w) = self.stack.pop() {
                    self.on.remove(w);
                    comp.push(name(w));
                    if w == v {
                        break;
                    }
                }
                if comp.len() > 1 {
                    comp.sort();
                    self.found.push(comp);
                }
            }
        }
    }
    let mut t = Tarjan {
        g,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on: BTreeSet::new(),
        found: Vec::new(),
    };
    for v in g.keys() {
        if !t.index.contains_key(v) {
            t.visit(v);
        }
    }
    t.found
}
