//! Two-factor sign-in (issue 26, point 1). So far: the TOTP codes against a reference
//! implementation, Python's `pyotp`, as authenticator apps compute them.

use partner_console::credentials::totp::{self, Secret};

use crate::api_calls::run;

#[tokio::test]
async fn our_codes_are_the_ones_pyotp_computes() {
    let check = run("python3", vec!["-c".into(), "import pyotp".into()]).await;
    if !check.status.success() {
        assert!(
            std::env::var_os("CI").is_none(),
            "pyotp is missing: CI installs it (pip install pyotp)"
        );
        eprintln!("SKIPPED our_codes_are_the_ones_pyotp_computes: pip install pyotp to run it");
        return;
    }
    let secret = Secret::generate();
    // The epoch's start, RFC 6238's times, today and the far future.
    let times: Vec<i64> = vec![
        0,
        59,
        1_111_111_109,
        1_234_567_890,
        1_796_000_000,
        20_000_000_000,
    ];
    let script = format!(
        "import pyotp\nt = pyotp.TOTP('{}')\nprint('\\n'.join(t.at(x) for x in {:?}))",
        secret.base32(),
        times
    );
    let out = run("python3", vec!["-c".into(), script]).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let theirs: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(String::from)
        .collect();
    let ours: Vec<String> = times.iter().map(|t| totp::code_at(&secret, *t)).collect();
    assert_eq!(ours, theirs);
    // And pyotp reads our otpauth URI as the same issuer, account and secret.
    let uri = secret.otpauth_uri("Partner Console", "owner@acme.example");
    let script = format!(
        "import pyotp\nt = pyotp.parse_uri('{uri}')\nprint(t.issuer, t.name, t.secret, t.digits, t.interval, sep='|')"
    );
    let out = run("python3", vec!["-c".into(), script]).await;
    let parsed = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert_eq!(
        parsed,
        format!(
            "Partner Console|owner@acme.example|{}|6|30",
            secret.base32()
        )
    );
}
