//! One translation layer for every user-facing string (Fluent): English and Japanese, a folder of
//! `.ftl` files each under `locales/`. A page's language is the member's setting, else the
//! language a visitor chose on the public pages (a cookie), else `Accept-Language`, else English.

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
pub const LANGUAGES: &[(&str, &str)] = &[("en-US", "English"), ("ja", "日本語")];

/// The cookie that keeps the language a visitor chose on the public pages.
pub const LANGUAGE_COOKIE: &str = "pc_lang";

const JAPANESE: LanguageIdentifier = langid!("ja");

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
    /// The catalogue for a language tag (`ja`, `ja-JP`, `en`, `en-GB`…), if there is one.
    pub fn for_tag(tag: &str) -> Option<I18n> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "ja" => Some(I18n { lang: JAPANESE }),
            "en" => Some(I18n { lang: DEFAULT }),
            _ => None,
        }
    }

    /// The first language with a catalogue among `setting`, `chosen` (the public pages' cookie)
    /// and the `Accept-Language` header's tags by weight; English when none has one.
    pub fn negotiate(
        setting: Option<&str>,
        chosen: Option<&str>,
        accept_language: Option<&str>,
    ) -> I18n {
        setting
            .and_then(I18n::for_tag)
            .or_else(|| chosen.and_then(I18n::for_tag))
            .or_else(|| accept_language.and_then(from_accept_language))
            .unwrap_or_default()
    }

    pub fn lang(&self) -> String {
        self.lang.to_string()
    }

    /// A month for people: `2026-11`, `2026年11月`.
    pub fn month(&self, m: impl std::fmt::Display) -> String {
        let s = m.to_string();
        let (year, month) = s.split_once('-').unwrap_or((&s, ""));
        // `month` as written ("03"), `m` as a number ("3").
        let m = month.trim_start_matches('0');
        self.t_args("month-label", &[("year", year), ("month", month), ("m", m)])
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
            .map(|(k, v)| (Cow::Borrowed(*k), arg_value(v)))
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

/// An argument as Fluent should see it: a small count as a number, so that `[one]` and the
/// language's other plural forms are chosen; anything else (ids, amounts, dates) as the text it
/// is, never reformatted.
fn arg_value<'a>(v: &'a str) -> FluentValue<'a> {
    let small_count = (1..=6).contains(&v.len())
        && v.bytes().all(|b| b.is_ascii_digit())
        && (v == "0" || !v.starts_with('0'));
    match v.parse::<u32>() {
        Ok(n) if small_count => FluentValue::from(n),
        _ => FluentValue::from(v),
    }
}

/// A sentence to say later, in the reader's language: the catalogue key and its arguments.
/// What a use case refuses is said this way, so each surface words it in its own language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub key: &'static str,
    pub args: Vec<(&'static str, Arg)>,
}

/// An argument of a [`Message`]: text as it is, or a catalogue key said in the reader's language
/// first (a state's or a step's name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    Text(String),
    Term(String),
}

impl Message {
    pub fn new(key: &'static str) -> Message {
        Message {
            key,
            args: Vec::new(),
        }
    }

    pub fn text(mut self, name: &'static str, value: impl ToString) -> Message {
        self.args.push((name, Arg::Text(value.to_string())));
        self
    }

    pub fn term(mut self, name: &'static str, key: impl ToString) -> Message {
        self.args.push((name, Arg::Term(key.to_string())));
        self
    }
}

/// In English, for logs, the command line and the APIs.
impl std::fmt::Display for Message {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&I18n::default().say(self))
    }
}

impl I18n {
    /// `m` in this language.
    pub fn say(&self, m: &Message) -> String {
        let args: Vec<(&'static str, String)> = m
            .args
            .iter()
            .map(|(name, arg)| match arg {
                Arg::Text(t) => (*name, t.clone()),
                Arg::Term(key) => (*name, self.t(key)),
            })
            .collect();
        let borrowed: Vec<(&'static str, &str)> =
            args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        self.t_args(m.key, &borrowed)
    }
}

/// The best-weighted tag of an `Accept-Language` header that has a catalogue.
fn from_accept_language(header: &str) -> Option<I18n> {
    let mut tags: Vec<(f32, usize, &str)> = header
        .split(',')
        .enumerate()
        .filter_map(|(i, part)| {
            let mut it = part.split(';');
            let tag = it.next()?.trim();
            let q = it
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            (q > 0.0 && !tag.is_empty()).then_some((q, i, tag))
        })
        .collect();
    tags.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    tags.into_iter().find_map(|(_, _, t)| I18n::for_tag(t))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_language_is_the_setting_then_the_choice_then_the_browser() {
        let ja = Some("ja,en-US;q=0.8");
        assert_eq!(I18n::negotiate(None, None, ja).lang(), "ja");
        assert_eq!(
            I18n::negotiate(None, None, Some("fr, en;q=0.5, ja;q=0.9")).lang(),
            "ja"
        );
        assert_eq!(I18n::negotiate(None, None, Some("fr")).lang(), "en-US");
        assert_eq!(I18n::negotiate(None, Some("en-US"), ja).lang(), "en-US");
        assert_eq!(
            I18n::negotiate(Some("ja"), Some("en-US"), None).lang(),
            "ja"
        );
        assert_eq!(
            I18n::negotiate(None, None, Some("ja;q=0, en")).lang(),
            "en-US"
        );
        assert_eq!(I18n::negotiate(None, None, None).lang(), "en-US");
    }

    fn ids(lang: &str) -> Vec<String> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("locales")
            .join(lang)
            .join("main.ftl");
        std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
            .lines()
            .filter_map(|l| {
                let (id, _) = l.split_once(" =")?;
                (!id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
                    .then(|| id.to_string())
            })
            .collect()
    }

    #[test]
    fn both_languages_have_the_same_messages() {
        let (en, ja) = (ids("en-US"), ids("ja"));
        let only_en: Vec<_> = en.iter().filter(|k| !ja.contains(k)).collect();
        let only_ja: Vec<_> = ja.iter().filter(|k| !en.contains(k)).collect();
        assert!(
            only_en.is_empty() && only_ja.is_empty(),
            "only in English: {only_en:?}\nonly in Japanese: {only_ja:?}"
        );
        assert!(en.len() > 500, "{}", en.len());
    }

    /// Keys built at run time from a state or a role name.
    #[test]
    fn every_key_built_at_run_time_exists_in_both_languages() {
        use crate::domain::{AuthorizationState, CustomerState, OfferState, Role};
        let mut keys: Vec<String> = Vec::new();
        keys.extend(
            CustomerState::ALL
                .iter()
                .map(|s| format!("customer-state-{s}")),
        );
        keys.extend(OfferState::ALL.iter().map(|s| format!("offer-state-{s}")));
        keys.extend(
            OfferState::ALL
                .iter()
                .map(|s| format!("offer-state-word-{s}")),
        );
        for step in [
            crate::app::offers::Step::Edit,
            crate::app::offers::Step::Release,
            crate::app::offers::Step::Accept,
            crate::app::offers::Step::Cancel,
            crate::app::offers::Step::Replace,
        ] {
            keys.push(format!("offer-step-{}", step.verb()));
        }
        keys.extend(
            AuthorizationState::ALL
                .iter()
                .map(|s| format!("authorization-state-{s}")),
        );
        keys.extend(Role::ALL.iter().map(|r| format!("role-{}", r.as_str())));
        // Every value pages show through PageCtx::label.
        use crate::domain::{ApplicationState, AuditAction, Labelled, MailState, PartnerState};
        keys.extend(CustomerState::ALL.iter().map(Labelled::label_key));
        keys.extend(OfferState::ALL.iter().map(Labelled::label_key));
        keys.extend(AuthorizationState::ALL.iter().map(Labelled::label_key));
        keys.extend(PartnerState::ALL.iter().map(Labelled::label_key));
        keys.extend(ApplicationState::ALL.iter().map(Labelled::label_key));
        keys.extend(MailState::ALL.iter().map(Labelled::label_key));
        keys.extend(AuditAction::ALL.iter().map(Labelled::label_key));
        keys.extend(Role::ALL.iter().map(Labelled::label_key));
        keys.extend(
            crate::store::signup_links::LinkState::ALL
                .iter()
                .map(|s| format!("link-state-{}", s.as_str())),
        );
        keys.extend(
            crate::billing::grants::CreditStatus::ALL
                .iter()
                .map(|s| format!("credit-status-{}", s.as_str())),
        );
        for lang in ["en-US", "ja"] {
            let i18n = I18n::for_tag(lang).unwrap();
            let missing: Vec<_> = keys.iter().filter(|k| !i18n.has(k)).collect();
            assert!(missing.is_empty(), "{lang}: {missing:?}");
        }
    }

    /// Every `t("...")` in a template and every `"error-…"`/`"flash-…"` key in the code must
    /// exist in the English catalogue, so no page ever shows a raw key.
    #[test]
    fn every_key_used_is_translated() {
        let mut missing = Vec::new();
        for i18n in [I18n::default(), I18n::for_tag("ja").unwrap()] {
            for dir in ["templates", "src"] {
                for path in walk(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir)) {
                    let text = std::fs::read_to_string(&path).unwrap_or_default();
                    for key in keys_in(&text) {
                        if !i18n.has(&key) {
                            missing.push(format!("{} {}: {key}", i18n.lang(), path.display()));
                        }
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
