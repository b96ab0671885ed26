//! One translation layer for every user-facing string (Fluent). English only for now; a language
//! is added by dropping a folder of `.ftl` files under `locales/`.

use std::borrow::Cow;
use std::collections::HashMap;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{Loader, static_loader};
use unic_langid::{LanguageIdentifier, langid};

static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "en-US",
        // Unicode isolation marks around arguments would end up inside e-mail addresses.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

const DEFAULT: LanguageIdentifier = langid!("en-US");

/// The languages a member may choose, by code, with their own names.
pub const LANGUAGES: &[(&str, &str)] = &[("en-US", "English")];

#[derive(Debug, Clone)]
pub struct I18n {
    lang: LanguageIdentifier,
}

impl Default for I18n {
    fn default() -> Self {
        I18n { lang: DEFAULT }
    }
}

impl I18n {
    pub fn lang(&self) -> String {
        self.lang.to_string()
    }

    /// The message `key`; a missing key shows as itself (and fails the catalogue test).
    pub fn t(&self, key: &str) -> String {
        LOCALES
            .try_lookup(&self.lang, key)
            .unwrap_or_else(|| key.to_string())
    }

    /// The message `key` with named arguments.
    pub fn t_args(&self, key: &str, args: &[(&'static str, &str)]) -> String {
        let map: HashMap<Cow<'static, str>, FluentValue<'_>> = args
            .iter()
            .map(|(k, v)| (Cow::Borrowed(*k), FluentValue::from(*v)))
            .collect();
        LOCALES
            .try_lookup_with_args(&self.lang, key, &map)
            .unwrap_or_else(|| key.to_string())
    }

    /// Whether the catalogue has `key` (a message that needs arguments counts as present).
    pub fn has(&self, key: &str) -> bool {
        // fluent-templates does not export its error type; a formatting error (missing
        // arguments) means the message exists.
        match LOCALES.lookup_single_language::<&str>(&self.lang, key, None) {
            Ok(_) => true,
            Err(e) => e.to_string().starts_with("Fluent errors"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every `t("...")` in a template and every `"error-…"`/`"flash-…"` key in the code must
    /// exist in the English catalogue, so no page ever shows a raw key.
    #[test]
    fn every_key_used_is_translated() {
        let i18n = I18n::default();
        let mut missing = Vec::new();
        for dir in ["templates", "src"] {
            for path in walk(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir)) {
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                for key in keys_in(&text) {
                    if !i18n.has(&key) {
                        missing.push(format!("{}: {key}", path.display()));
                    }
                }
            }
        }
        assert!(
            missing.is_empty(),
            "untranslated keys:\n{}",
            missing.join("\n")
        );
    }

    fn walk(dir: std::path::PathBuf) -> Vec<std::path::PathBuf> {
        let mut out = Vec::new();
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let p = entry.path();
            if p.is_dir() {
                out.extend(walk(p));
            } else {
                out.push(p);
            }
        }
        out
    }

    fn keys_in(text: &str) -> Vec<String> {
        let mut keys = Vec::new();
        for marker in [
            "t(\"",
            "t_args(\"",
            "\"error-",
            "\"flash-",
            "\"mail-",
            "\"warn-",
        ] {
            let mut rest = text;
            while let Some(i) = rest.find(marker) {
                // `text("kind")` is not a translation: `t(` must start a word.
                let glued = rest[..i]
                    .chars()
                    .next_back()
                    .is_some_and(|c| c.is_alphanumeric() || c == '_');
                let start = i + marker.len();
                if glued && !marker.starts_with('"') {
                    rest = &rest[start..];
                    continue;
                }
                let tail = &rest[start..];
                let end = tail.find('"').unwrap_or(0);
                let prefix = marker.strip_prefix('"').unwrap_or("");
                let key = format!("{prefix}{}", &tail[..end]);
                if !key.is_empty()
                    && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                    && !key.ends_with('-')
                {
                    keys.push(key);
                }
                rest = &tail[end..];
            }
        }
        keys
    }

    #[test]
    fn arguments_are_substituted_without_isolation_marks() {
        let s = I18n::default().t_args("mail-reset-subject", &[("product", "Partner Console")]);
        assert!(
            s.contains("Partner Console") && !s.contains('\u{2068}'),
            "{s}"
        );
    }
}
