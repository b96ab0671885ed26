//! The `partner-console` command itself: `operator create` and `demo`.

use partner_console::paths as routes;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};

use reqwest::StatusCode;
use secrecy::ExposeSecret;

use crate::helpers::{location, new_client, spawn_app};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_partner-console"));
    c.env_clear().env("RUST_LOG", "warn");
    c
}

/// Runs `operator create` against the test app's database with `password` on standard input.
fn create_operator(app: &crate::helpers::TestApp, email: &str, password: &str) -> (i32, String) {
    let s = &app.state.settings;
    let mut cmd = bin();
    cmd.args(["operator", "create", "--email", email])
        .env("DATABASE_URL", s.database_url.expose_secret())
        .env("PC_DATA_DIR", &s.data_dir);
    if let Some(schema) = &s.database_schema {
        cmd.env("PC_DATABASE_SCHEMA", schema);
    }
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{password}\n").as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)] // the CLI runs as a blocking child process
async fn operator_create_reads_the_password_from_stdin_and_refuses_weak_ones() {
    let app = spawn_app().await;
    let (code, out) = create_operator(&app, "ops@vendor.example", "short");
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("refused: Use at least 12 characters."),
        "{out}"
    );

    let (code, out) = create_operator(&app, "ops@vendor.example", "ops@vendor.example-2026");
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("e-mail address"), "{out}");

    let (code, out) = create_operator(
        &app,
        "ops@vendor.example",
        "plenty long operator passphrase",
    );
    assert_eq!(code, 0, "{out}");
    let (code, out) = create_operator(
        &app,
        "OPS@vendor.example",
        "plenty long operator passphrase",
    );
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("already exists"), "{out}");

    let r = app
        .sign_in("ops@vendor.example", "plenty long operator passphrase")
        .await;
    assert_eq!(location(&r), routes::ADMIN);
}

struct Demo(Child);

impl Drop for Demo {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `demo` on a free port and returns the URL and the printed `login:` lines.
type DemoOutput = (
    Demo,
    String,
    Vec<(String, String, String)>,
    String,
    Vec<String>,
);

fn start_demo(data_dir: &std::path::Path) -> DemoOutput {
    start_demo_with(data_dir, &[], &mut Vec::new())
}

/// `demo` with more arguments; `other` gets the lines that are none of the parsed ones.
fn start_demo_with(
    data_dir: &std::path::Path,
    args: &[&str],
    other: &mut Vec<String>,
) -> DemoOutput {
    let mut child = bin()
        .arg("demo")
        .args(args)
        .env("PC_BIND", "127.0.0.1:0")
        .env("PC_DATA_DIR", data_dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let demo = Demo(child);
    let mut url = String::new();
    let mut logins = Vec::new();
    let mut signup = String::new();
    let mut curls = Vec::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.unwrap();
        if let Some(u) = line.strip_prefix("Partner Console demo: ") {
            url = u.to_string();
        }
        if let Some(rest) = line.strip_prefix("login: ") {
            let mut parts = rest.splitn(3, ' ');
            let (email, password, who) = (
                parts.next().unwrap(),
                parts.next().unwrap(),
                parts.next().unwrap(),
            );
            logins.push((email.to_string(), password.to_string(), who.to_string()));
        }
        if let Some(link) = line.strip_prefix("customer signup link: ") {
            signup = link.to_string();
        }
        if line.starts_with("curl --digest ") {
            curls.push(line.clone());
            if curls.len() == 2 {
                break;
            }
        } else {
            other.push(line);
        }
    }
    (demo, url, logins, signup, curls)
}

async fn sign_in_at(url: &str, email: &str, password: &str) -> reqwest::Response {
    let client = new_client();
    let page = client
        .get(format!("{url}/sign-in"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let token = crate::helpers::csrf_token(&page);
    client
        .post(format!("{url}/sign-in"))
        .form(&[
            ("email", email),
            ("password", password),
            ("csrf_token", token.as_str()),
        ])
        .send()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)] // the CLI runs as a blocking child process
async fn demo_grows_the_msp_to_n_customers_once() {
    let dir = tempfile::tempdir().unwrap();
    let count = |curls: &[String]| {
        let msp = curls
            .iter()
            .find(|c| c.contains("/v1beta1/msp/mspCustomers"))
            .expect("an MSP curl line")
            .clone();
        let out = Command::new("sh")
            .arg("-c")
            .arg(format!("{msp}?pageSize=0 -s"))
            .output()
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        v["mspCustomers"].as_array().map_or(0, Vec::len)
    };
    let mut said = Vec::new();
    let (demo, _, _, _, curls) = start_demo_with(dir.path(), &["--customers", "250"], &mut said);
    assert!(
        said.iter()
            .any(|l| l.starts_with("demo MSP: 214 customers added to 36 (")),
        "{said:?}"
    );
    assert_eq!(count(&curls), 250);
    drop(demo);
    let mut again = Vec::new();
    let (_demo, _, _, _, curls) = start_demo_with(dir.path(), &["--customers", "250"], &mut again);
    assert!(
        again
            .iter()
            .any(|l| l == "demo MSP: 250 customers or more already; nothing added"),
        "{again:?}"
    );
    assert_eq!(count(&curls), 250, "a second run adds nothing");
}

#[tokio::test]
async fn demo_prints_working_sign_ins_and_can_run_again() {
    let dir = tempfile::tempdir().unwrap();
    let mut first_curl = String::new();
    let mut first_url = String::new();
    for round in 0..2 {
        let (_demo, url, logins, signup, curls) = start_demo(dir.path());
        assert!(
            url.starts_with("http://localhost:") && !url.ends_with(":0"),
            "{url}"
        );
        assert_eq!(logins.len(), 3, "round {round}");
        assert_eq!(logins[0].2, "(operator)");
        assert!(
            logins[1].2.starts_with("(owner of MSP \""),
            "{:?}",
            logins[1]
        );
        assert!(
            logins[2].2.starts_with("(owner of reseller \""),
            "{:?}",
            logins[2]
        );
        for (email, password, who) in &logins {
            let r = sign_in_at(&url, email, password).await;
            assert_eq!(
                r.status(),
                StatusCode::SEE_OTHER,
                "round {round}: {email} {who}"
            );
            let expected = if who == "(operator)" {
                routes::ADMIN
            } else {
                routes::CONSOLE
            };
            assert_eq!(location(&r), expected);
        }
        // The printed customer signup link opens the branded page; each run makes a new one.
        let page = new_client().get(&signup).send().await.unwrap();
        assert_eq!(page.status(), StatusCode::OK, "round {round}: {signup}");
        assert!(page.text().await.unwrap().contains("Acme Cloud"));
        // The printed API line works as pasted; a new run revokes the previous run's key.
        let msp = curls
            .iter()
            .find(|c| c.contains("/v1beta1/msp/mspCustomers"))
            .expect("an MSP curl line");
        let out = Command::new("sh")
            .arg("-c")
            .arg(format!("{msp} -s -w ' %{{http_code}}'"))
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        assert!(
            text.ends_with(" 200") && text.contains("\"mspCustomers\""),
            "round {round}: {text}"
        );
        if round == 1 {
            // Same key, this run's server.
            let earlier = first_curl.replace(&first_url, &url);
            let out = Command::new("sh")
                .arg("-c")
                .arg(format!("{earlier} -s -o /dev/null -w '%{{http_code}}'"))
                .output()
                .unwrap();
            assert_eq!(
                String::from_utf8_lossy(&out.stdout),
                "401",
                "the first run's key is revoked"
            );
        }
        first_curl = msp.clone();
        first_url = url.clone();
    }
}
