//! argon2id hashing off the async workers, bounded to the number of cores so that a flood of
//! sign-ins queues here instead of stalling every other request.

use std::sync::{Arc, OnceLock};

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
use tokio::sync::Semaphore;

/// SPEC section 7: 19 MiB, 2 iterations, 1 lane.
fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("static argon2 parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

#[derive(Clone)]
pub struct Passwords {
    permits: Arc<Semaphore>,
}

impl Default for Passwords {
    fn default() -> Self {
        let cores = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2);
        Passwords {
            permits: Arc::new(Semaphore::new(cores)),
        }
    }
}

impl Passwords {
    pub async fn hash(&self, password: &str) -> anyhow::Result<String> {
        let pw = password.to_owned();
        self.blocking(move || hash_now(&pw)).await?
    }

    /// Verifies `password` against `hash`. Without a hash (unknown account, or one not yet
    /// activated) a dummy hash is checked, so the answer takes as long either way.
    pub async fn verify(&self, password: &str, hash: Option<&str>) -> anyhow::Result<bool> {
        let pw = password.to_owned();
        let stored = hash.map(str::to_owned);
        self.blocking(move || {
            let (phc, real) = match &stored {
                Some(h) => (h.as_str(), true),
                None => (dummy_hash(), false),
            };
            let parsed = PasswordHash::new(phc)
                .map_err(|e| anyhow::anyhow!("stored hash is not PHC: {e}"))?;
            let ok = argon2().verify_password(pw.as_bytes(), &parsed).is_ok();
            Ok(ok && real)
        })
        .await?
    }

    async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> anyhow::Result<T> {
        let _permit = self.permits.acquire().await?;
        Ok(tokio::task::spawn_blocking(f).await?)
    }
}

pub fn hash_now(password: &str) -> anyhow::Result<String> {
    argon2()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("argon2 failed: {e}"))
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_now("dummy password for unknown accounts").unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_use_spec_parameters() {
        let p = Passwords::default();
        let h = p.hash("correct horse battery").await.unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(p.verify("correct horse battery", Some(&h)).await.unwrap());
        assert!(!p.verify("wrong horse battery", Some(&h)).await.unwrap());
        assert!(
            !p.verify("dummy password for unknown accounts", None)
                .await
                .unwrap()
        );
    }
}
