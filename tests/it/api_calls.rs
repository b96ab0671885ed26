//! Calling the partner APIs as partners' scripts do: API keys straight in the store, the real
//! curl binary with `--digest`, and every answer checked against the OpenAPI document the app
//! serves (status documented for the operation, body valid against its schema, rate-limit
//! headers present where the document promises them); MSP API answers also against the
//! vendor's own document (`vendor_msp`).

use chrono::Utc;
use partner_console::domain::KeyScope;
use partner_console::store::api_keys::{self, NewApiKey};
use serde_json::Value;
use tokio::sync::OnceCell;

use crate::helpers::TestApp;

/// A fresh API key of `partner_id`, as "PUBLIC:PRIVATE".
pub async fn api_key(app: &TestApp, partner_id: i64) -> (i64, String) {
    api_key_scoped(app, partner_id, KeyScope::Full).await
}

/// A fresh API key of `partner_id` with `scope` and no expiry, as "PUBLIC:PRIVATE".
pub async fn api_key_scoped(app: &TestApp, partner_id: i64, scope: KeyScope) -> (i64, String) {
    let key = app.state.vault.issue().unwrap();
    let mut tx = app.state.db.begin().await.unwrap();
    let new = NewApiKey {
        scope,
        ..NewApiKey::issued(partner_id, "test", &key)
    };
    let id = api_keys::insert(&mut tx, new, Utc::now()).await.unwrap();
    tx.commit().await.unwrap();
    (id, format!("{}:{}", key.public_key, key.private_key))
}

/// A partner's script calling the APIs with one key ("PUBLIC:PRIVATE"), through the real curl
/// binary with `--digest`; every answer is checked against the documents (see the module).
#[derive(Clone, Copy)]
pub struct Api<'a> {
    app: &'a TestApp,
    key: &'a str,
}

impl TestApp {
    pub fn api<'a>(&'a self, key: &'a str) -> Api<'a> {
        Api { app: self, key }
    }
}

impl Api<'_> {
    /// `GET path`: the status and the JSON body.
    pub async fn get(self, path: &str) -> (u16, Value) {
        call(self.app, self.key, "GET", path, None).await
    }

    /// `method path` without a body.
    pub async fn call(self, method: &str, path: &str) -> (u16, Value) {
        call(self.app, self.key, method, path, None).await
    }

    /// `method path` with a JSON body.
    pub async fn send(self, method: &str, path: &str, body: &str) -> (u16, Value) {
        call(self.app, self.key, method, path, Some(body)).await
    }
}

// Not starting with "@", which would make curl read the format from a file.
const SEP: &str = "\n<<pc-sep>>\n";

/// curl runs on the blocking pool: blocking the test's own runtime would stall the pool's
/// connections.
async fn call(
    app: &TestApp,
    user: &str,
    method: &str,
    path: &str,
    body: Option<&str>,
) -> (u16, Value) {
    let mut args: Vec<String> = ["-s", "--digest", "--user", user, "-X", method]
        .map(String::from)
        .to_vec();
    if let Some(b) = body {
        args.extend(["-H", "Content-Type: application/json", "-d", b].map(String::from));
    }
    // The last answer's headers (after the challenge) and status follow the body.
    args.extend([
        "-w".into(),
        format!("{SEP}%{{header_json}}{SEP}%{{http_code}}"),
    ]);
    args.push(app.url(path));
    let out = run("curl", args).await;
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let parts: Vec<&str> = text.split(SEP).collect();
    let [body, headers, code] = parts[..] else {
        panic!("unexpected curl output: {text}");
    };
    let status: u16 = code.trim().parse().unwrap();
    let headers: Value = serde_json::from_str(headers).unwrap();
    let body = serde_json::from_str(body).unwrap_or_else(|_| Value::String(body.to_string()));
    check_against_document(app, method, path, status, &headers, &body).await;
    (status, body)
}

/// Runs a program to its end on the blocking pool: blocking the test's own runtime would stall
/// the pool's connections.
pub async fn run(program: &'static str, args: Vec<String>) -> std::process::Output {
    tokio::task::spawn_blocking(move || {
        std::process::Command::new(program)
            .args(&args)
            .output()
            .unwrap_or_else(|e| panic!("{program} runs: {e}"))
    })
    .await
    .unwrap()
}

/// curl exactly as the vendor's document's samples call it, `curl --digest --user 'PUB:PRIV'
/// --request GET --url '...'`; returns the JSON body.
pub async fn curl_sample(app: &TestApp, key: &str, method: &str, path: &str) -> Value {
    let args = [
        "--silent",
        "--digest",
        "--user",
        key,
        "--request",
        method,
        "--url",
    ]
    .map(String::from)
    .into_iter()
    .chain([app.url(path)])
    .collect();
    let out = run("curl", args).await;
    serde_json::from_slice(&out.stdout).expect("curl got JSON")
}

/// Runs a Python script (partners' scripts use `requests` with `HTTPDigestAuth`); returns its
/// standard output, and panics with its standard error if it fails.
pub async fn python(script: String) -> Vec<u8> {
    let out = run("python3", vec!["-c".into(), script]).await;
    assert!(
        out.status.success(),
        "python3 failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// Both documents, as served by the app (fetched once: they are built into the binary).
async fn documents(app: &TestApp) -> &'static [Value; 2] {
    static DOCS: OnceCell<[Value; 2]> = OnceCell::const_new();
    DOCS.get_or_init(|| async {
        let mut docs = Vec::new();
        for url in ["/v1beta1/msp/openapi.json", "/api/v1/openapi.json"] {
            let r = reqwest::get(app.url(url)).await.unwrap();
            assert_eq!(r.status(), 200, "{url} is served without a key");
            docs.push(r.json::<Value>().await.unwrap());
        }
        docs.try_into().unwrap()
    })
    .await
}

/// The operation a request is, in whichever document has its path.
fn operation<'a>(docs: &'a [Value; 2], method: &str, path: &str) -> Option<(&'a Value, &'a Value)> {
    docs.iter().find_map(|doc| {
        let item = partner_console::api::openapi::path_item(doc, path)?;
        Some((doc, item.get(method.to_ascii_lowercase())?))
    })
}

async fn check_against_document(
    app: &TestApp,
    method: &str,
    path: &str,
    status: u16,
    headers: &Value,
    body: &Value,
) {
    let wrong = violations(app, method, path, status, headers, body).await;
    assert!(
        wrong.is_empty(),
        "{method} {path} ({status}) does not match the document: {wrong:?}\n{body}"
    );
    // The MSP API is held to the vendor's own document too, not only to ours.
    if path.starts_with("/v1beta1/msp/") && !path.starts_with("/v1beta1/msp/openapi.json") {
        let wrong = crate::vendor_msp::departures(method, path, status, body);
        assert!(
            wrong.is_empty(),
            "{method} {path} ({status}) departs from the vendor's MSP document: {wrong:?}\n{body}"
        );
    }
}

/// How an answer departs from the served document; empty when it matches.
pub async fn violations(
    app: &TestApp,
    method: &str,
    path: &str,
    status: u16,
    headers: &Value,
    body: &Value,
) -> Vec<String> {
    let docs = documents(app).await;
    let Some((doc, op)) = operation(docs, method, path) else {
        // Unknown operations answer 404 (405 on a documented path) in the error shape, which
        // no document lists.
        if status == 404 || status == 405 {
            return vec![];
        }
        return vec![format!("{method} {path} is not documented")];
    };
    let Some(answer) = op["responses"].get(status.to_string()) else {
        return vec![format!("status {status} is not documented")];
    };
    let answer = partner_console::api::openapi::resolve(doc, answer);
    assert!(
        !answer.is_null(),
        "{method} {path}: a dangling $ref for {status}"
    );
    let mut wrong = Vec::new();
    if let Some(documented) = answer.get("headers").and_then(Value::as_object) {
        for name in documented.keys() {
            if headers.get(name.to_ascii_lowercase()).is_none() {
                wrong.push(format!("the documented header {name} is missing"));
            }
        }
    }
    let schema = &answer["content"]["application/json"]["schema"];
    // The schema refers into the document's components: validate with them at hand.
    let mut root = schema.clone();
    root["components"] = doc["components"].clone();
    let validator = jsonschema::validator_for(&root).expect("the schema compiles");
    wrong.extend(
        validator
            .iter_errors(body)
            .map(|e| format!("{} at {}", e, e.instance_path())),
    );
    wrong
}
