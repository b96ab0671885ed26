//! argon2id hashing on a fixed set of hashing threads, one per core, each keeping its own 19 MiB
//! memory block for every hash it computes and running at a lower scheduling priority than the
//! request workers. A flood of sign-ins then queues here: the process's memory stays at one
//! block per thread, and other requests keep their latency.

use std::sync::OnceLock;
use std::time::Duration;

use argon2::password_hash::phc::{Output, PasswordHash};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use tokio::sync::oneshot;

/// SPEC section 7: 19 MiB, 2 iterations, 1 lane.
const MEMORY_KIB: u32 = 19 * 1024;

fn params() -> Params {
    Params::new(MEMORY_KIB, 2, 1, None).expect("static argon2 parameters are valid")
}

fn argon2() -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params())
}

/// How much nicer than the request workers the hashing threads are (Linux `nice`, 0 to 19).
const NICENESS: i32 = 19;

/// A hashing thread that had no work for this long gives its memory block back.
const IDLE_RELEASE: Duration = Duration::from_secs(2);

type Job = Box<dyn FnOnce(&mut [Block]) + Send>;

/// A handle on the hashing threads; clones share them. The threads end when the last handle
/// is dropped.
#[derive(Clone)]
pub struct Passwords {
    jobs: flume::Sender<Job>,
}

/// The process's hashing threads, one per core: every application state, command and seeding
/// step of one process hashes on the same few threads, so they bound its memory together.
impl Default for Passwords {
    fn default() -> Self {
        static SHARED: OnceLock<Passwords> = OnceLock::new();
        SHARED
            .get_or_init(|| {
                let threads = std::thread::available_parallelism()
                    .map(|n| n.get())
                    .unwrap_or(2);
                Passwords::with_threads(threads)
            })
            .clone()
    }
}

impl Passwords {
    pub fn with_threads(threads: usize) -> Self {
        let (jobs, queue) = flume::unbounded::<Job>();
        for i in 0..threads.max(1) {
            let queue = queue.clone();
            std::thread::Builder::new()
                .name(format!("argon2-{i}"))
                .spawn(move || hashing_thread(&queue))
                .expect("a hashing thread starts");
        }
        Passwords { jobs }
    }

    pub async fn hash(&self, password: &str) -> anyhow::Result<String> {
        let pw = password.to_owned();
        self.run(move |blocks| hash_with(blocks, &pw)).await?
    }

    /// Verifies `password` against `hash`. Without a hash (unknown account, or one not yet
    /// activated) a dummy hash is checked, so the answer takes as long either way.
    pub async fn verify(&self, password: &str, hash: Option<&str>) -> anyhow::Result<bool> {
        let pw = password.to_owned();
        let stored = hash.map(str::to_owned);
        self.run(move |blocks| {
            let (phc, real) = match &stored {
                Some(h) => (h.as_str(), true),
                None => (dummy_hash(blocks)?, false),
            };
            Ok(verify_with(blocks, &pw, phc)? && real)
        })
        .await?
    }

    async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut [Block]) -> T + Send + 'static,
    ) -> anyhow::Result<T> {
        let (tx, rx) = oneshot::channel();
        self.jobs
            .send(Box::new(move |blocks| {
                let _ = tx.send(f(blocks));
            }))
            .map_err(|_| anyhow::anyhow!("the password hashing threads have stopped"))?;
        rx.await
            .map_err(|_| anyhow::anyhow!("a password hashing thread failed"))
    }
}

fn hashing_thread(queue: &flume::Receiver<Job>) {
    lower_priority();
    // Allocated on the first hash after a quiet spell and reused for every hash until the next.
    let mut blocks: Vec<Block> = Vec::new();
    loop {
        let job = match queue.recv_timeout(IDLE_RELEASE) {
            Ok(job) => job,
            Err(flume::RecvTimeoutError::Timeout) => {
                if !blocks.is_empty() {
                    blocks = Vec::new();
                    give_back_freed_memory();
                }
                continue;
            }
            Err(flume::RecvTimeoutError::Disconnected) => return,
        };
        if blocks.is_empty() {
            blocks = vec![Block::new(); params().block_count()];
        }
        job(&mut blocks);
    }
}

/// Returns freed memory to the system: glibc keeps a thread arena's freed 19 MiB otherwise.
fn give_back_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free pages of the allocator's own arenas.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Makes the calling thread nicer than the request workers, so that a queue of hashes takes
/// the cores' spare time rather than the time of other requests.
fn lower_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: gettid has no preconditions; setpriority on our own thread id only changes that
    // thread's nice value, and a failure (e.g. a sandbox refusing it) is harmless.
    unsafe {
        let tid = libc::syscall(libc::SYS_gettid) as libc::id_t;
        libc::setpriority(libc::PRIO_PROCESS, tid, NICENESS);
    }
}

/// A new PHC string for `password`, computed in `blocks`.
fn hash_with(blocks: &mut [Block], password: &str) -> anyhow::Result<String> {
    let salt: [u8; 16] = rand::random();
    let a = argon2();
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    a.hash_password_into_with_memory(password.as_bytes(), &salt, &mut out, blocks)
        .map_err(|e| anyhow::anyhow!("argon2 failed: {e}"))?;
    // Let the library write the PHC string from the same inputs' parts.
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: (&params())
            .try_into()
            .map_err(|e| anyhow::anyhow!("argon2 parameters: {e}"))?,
        salt: Some(
            argon2::password_hash::phc::Salt::new(&salt)
                .map_err(|e| anyhow::anyhow!("salt: {e}"))?,
        ),
        hash: Some(Output::new(&out).map_err(|e| anyhow::anyhow!("output: {e}"))?),
    };
    Ok(phc.to_string())
}

/// Whether `password` matches the PHC string `phc`, computed in `blocks` when the hash has this
/// project's memory size (hashes with other parameters get memory of their own).
fn verify_with(blocks: &mut [Block], password: &str, phc: &str) -> anyhow::Result<bool> {
    let parsed =
        PasswordHash::new(phc).map_err(|e| anyhow::anyhow!("stored hash is not PHC: {e}"))?;
    let bad = |e: &dyn std::fmt::Display| anyhow::anyhow!("stored hash is not argon2: {e}");
    let algorithm = Algorithm::try_from(parsed.algorithm.as_str()).map_err(|e| bad(&e))?;
    let version = match parsed.version {
        Some(v) => Version::try_from(v).map_err(|e| bad(&e))?,
        None => Version::default(),
    };
    let params = Params::try_from(&parsed).map_err(|e| bad(&e))?;
    let (Some(salt), Some(expected)) = (&parsed.salt, &parsed.hash) else {
        return Err(anyhow::anyhow!("stored hash has no salt or output"));
    };
    let a = Argon2::new(algorithm, version, params.clone());
    let mut out = vec![0u8; expected.len()];
    let computed = if params.block_count() == blocks.len() {
        a.hash_password_into_with_memory(password.as_bytes(), salt.as_ref(), &mut out, blocks)
    } else {
        a.hash_password_into(password.as_bytes(), salt.as_ref(), &mut out)
    };
    computed.map_err(|e| anyhow::anyhow!("argon2 failed: {e}"))?;
    // Output's equality is constant-time.
    Ok(Output::new(&out).map_err(|e| bad(&e))? == *expected)
}

/// The hash checked for accounts without one, made once per process in the hashing memory.
fn dummy_hash(blocks: &mut [Block]) -> anyhow::Result<&'static str> {
    static DUMMY: OnceLock<String> = OnceLock::new();
    if let Some(h) = DUMMY.get() {
        return Ok(h);
    }
    let h = hash_with(blocks, "dummy password for unknown accounts")?;
    Ok(DUMMY.get_or_init(|| h))
}

#[cfg(test)]
mod tests {
    use argon2::password_hash::{PasswordHasher, PasswordVerifier};

    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_use_spec_parameters() {
        let p = Passwords::with_threads(2);
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

    #[tokio::test]
    async fn hashes_are_the_librarys_and_other_parameters_still_verify() {
        let p = Passwords::with_threads(1);
        // What the hashing threads write, the library verifies, and the other way round.
        let ours = p.hash("tea for two").await.unwrap();
        let parsed = PasswordHash::new(&ours).unwrap();
        assert!(argon2().verify_password(b"tea for two", &parsed).is_ok());
        let theirs = argon2().hash_password(b"tea for two").unwrap().to_string();
        assert!(p.verify("tea for two", Some(&theirs)).await.unwrap());
        // A hash made with other (older, smaller) parameters still verifies.
        let small = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(8 * 1024, 1, 1, None).unwrap(),
        )
        .hash_password(b"old password")
        .unwrap()
        .to_string();
        assert!(p.verify("old password", Some(&small)).await.unwrap());
        assert!(!p.verify("old passwort", Some(&small)).await.unwrap());
        assert!(p.verify("x", Some("not a hash")).await.is_err());
    }
}
