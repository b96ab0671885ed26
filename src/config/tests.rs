use super::*;

fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let owned: Vec<(String, String)> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |k| owned.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone())
}

#[test]
fn defaults_are_the_embedded_store() {
    let s = Settings::defaults();
    assert_eq!(s.bind, "127.0.0.1:8080");
    assert_eq!(s.public_url, "http://localhost:8080");
    assert!(s.database_url.expose_secret().starts_with("sqlite://data/"));
    assert_eq!(s.session_idle_minutes, 30);
    assert!(!s.is_postgres());
    assert_eq!(s.api_rate_limit_per_minute, 100);
    assert_eq!(s.api_rate_limit_store, RateLimitStore::Memory);
}

#[test]
fn environment_overrides_file() {
    let f: FileSettings =
        toml::from_str("bind = \"0.0.0.0:9000\"\nsignin_max_failures = 7\n").unwrap();
    let s = Settings::from_sources(
        f,
        env_of(&[
            ("PC_BIND", "127.0.0.1:1"),
            ("PC_PUBLIC_URL", "https://pc.example/"),
        ]),
    )
    .unwrap();
    assert_eq!(s.bind, "127.0.0.1:1");
    assert_eq!(s.signin_max_failures, 7);
    assert_eq!(s.public_url, "https://pc.example");
    assert!(s.is_https());
}

#[test]
fn session_key_required_with_postgres_and_never_in_debug() {
    let s = Settings::from_sources(
        FileSettings::default(),
        env_of(&[("DATABASE_URL", "postgres://u:secretpw@h/db")]),
    )
    .unwrap();
    assert!(s.resolve_session_key().is_err());
    // Several instances on one PostgreSQL must share the API rate limits.
    assert_eq!(s.api_rate_limit_store, RateLimitStore::Database);
    assert!(!format!("{s:?}").contains("secretpw"));
}

#[test]
fn webhooks_stay_off_the_private_network_unless_told() {
    let s = Settings::defaults();
    assert!(!s.webhooks.allow_private);
    assert_eq!(s.webhooks.retries.len(), 7);
    let s = Settings::from_sources(
        FileSettings::default(),
        env_of(&[
            ("PC_WEBHOOK_ALLOW_PRIVATE", "true"),
            ("PC_WEBHOOK_RETRIES", "100ms,1s"),
        ]),
    )
    .unwrap();
    assert!(s.webhooks.allow_private);
    assert_eq!(s.webhooks.retries.len(), 2);
    let bad = Settings::from_sources(
        FileSettings::default(),
        env_of(&[("PC_WEBHOOK_RETRIES", "soon")]),
    );
    assert!(bad.is_err());
}
