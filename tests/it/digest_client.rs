//! A minimal HTTP Digest client for the API tests: it keeps its nonce across requests with a
//! growing nc, as well-behaved scripts do, and can be forced to one algorithm.

use partner_console::credentials::api_keys::{Algorithm, REALM};

/// A minimal digest client: answers the challenge of `alg` and reuses the nonce with a growing nc.
pub struct DigestClient {
    http: reqwest::Client,
    user: String,
    password: String,
    alg: Algorithm,
    nonce: Option<String>,
    nc: u32,
    pub unauthorized: u32,
}

impl DigestClient {
    pub fn new(key: &str, alg: Algorithm) -> Self {
        let (user, password) = key.split_once(':').unwrap();
        DigestClient {
            http: reqwest::Client::new(),
            user: user.into(),
            password: password.into(),
            alg,
            nonce: None,
            nc: 0,
            unauthorized: 0,
        }
    }

    pub fn header(&mut self, method: &str, uri: &str) -> Option<String> {
        let nonce = self.nonce.clone()?;
        self.nc += 1;
        let nc = format!("{:08x}", self.nc);
        let name = if self.alg == Algorithm::Sha256 {
            "SHA-256"
        } else {
            "MD5"
        };
        let ha1 = self
            .alg
            .hash_hex(&format!("{}:{REALM}:{}", self.user, self.password));
        let ha2 = self.alg.hash_hex(&format!("{method}:{uri}"));
        let response = self
            .alg
            .hash_hex(&format!("{ha1}:{nonce}:{nc}:c0ffee:auth:{ha2}"));
        Some(format!(
            "Digest username=\"{}\", realm=\"{REALM}\", nonce=\"{nonce}\", uri=\"{uri}\", algorithm={name}, response=\"{response}\", qop=auth, nc={nc}, cnonce=\"c0ffee\"",
            self.user
        ))
    }

    /// GETs `uri`, answering a challenge once; panics if still unauthorized.
    pub async fn get(&mut self, base: &str, uri: &str) -> reqwest::Response {
        let r = self.send(base, uri).await;
        assert_ne!(
            r.status(),
            401,
            "still unauthorized after answering the challenge"
        );
        r
    }

    /// GETs `uri`, answering a challenge once; returns whatever the server said last.
    pub async fn send(&mut self, base: &str, uri: &str) -> reqwest::Response {
        for attempt in 0..2 {
            let mut req = self.http.get(format!("{base}{uri}"));
            if let Some(h) = self.header("GET", uri) {
                req = req.header("authorization", h);
            }
            let r = req.send().await.unwrap();
            if r.status() != 401 || attempt == 1 {
                return r;
            }
            self.unauthorized += 1;
            self.take_challenge(&r);
        }
        unreachable!("the second attempt always returns")
    }

    /// Takes the nonce of a 401's challenge for this client's algorithm, from nc 1 on.
    pub fn take_challenge(&mut self, r: &reqwest::Response) {
        let wanted = if self.alg == Algorithm::Sha256 {
            "algorithm=SHA-256"
        } else {
            "algorithm=MD5"
        };
        let challenge = r
            .headers()
            .get_all("www-authenticate")
            .iter()
            .map(|v| v.to_str().unwrap().to_string())
            .find(|c| c.contains(wanted))
            .expect("the algorithm is offered");
        let start = challenge.find("nonce=\"").unwrap() + 7;
        self.nonce =
            Some(challenge[start..start + challenge[start..].find('"').unwrap()].to_string());
        self.nc = 0;
    }
}
