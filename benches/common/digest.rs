//! The benchmarks' HTTP Digest client: answers the SHA-256 challenge once per connection, then
//! reuses the nonce with a growing nc, as the Support page tells scripts to.

use partner_console::credentials::api_keys::{Algorithm, REALM};

/// One keep-alive connection's client: answers the SHA-256 challenge once, then reuses the
/// nonce with a growing nc.
pub struct Digest {
    pub user: String,
    pub password: String,
    pub nonce: Option<String>,
    pub nc: u32,
}

impl Digest {
    pub fn header(&mut self, uri: &str) -> Option<String> {
        let nonce = self.nonce.clone()?;
        self.nc += 1;
        let nc = format!("{:08x}", self.nc);
        let alg = Algorithm::Sha256;
        let ha1 = alg.hash_hex(&format!("{}:{REALM}:{}", self.user, self.password));
        let ha2 = alg.hash_hex(&format!("GET:{uri}"));
        let response = alg.hash_hex(&format!("{ha1}:{nonce}:{nc}:b3nch:auth:{ha2}"));
        Some(format!(
            "Digest username=\"{}\", realm=\"{REALM}\", nonce=\"{nonce}\", uri=\"{uri}\", algorithm=SHA-256, response=\"{response}\", qop=auth, nc={nc}, cnonce=\"b3nch\"",
            self.user
        ))
    }

    pub fn take_challenge(&mut self, r: &reqwest::Response) {
        let c = r
            .headers()
            .get_all("www-authenticate")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.contains("SHA-256"))
            .expect("a SHA-256 challenge");
        let start = c.find("nonce=\"").unwrap() + 7;
        self.nonce = Some(c[start..start + c[start..].find('"').unwrap()].to_string());
        self.nc = 0;
    }
}
