//! Sign-in throttling (SPEC section 7): failures per account in a window, attempts per client
//! address per minute. The account key is the address as typed, lower-cased, whether or not such
//! an account exists, so the answer never tells the two apart.

use chrono::{DateTime, Duration, Utc};

use crate::config::Settings;
use crate::store::{Conn, StoreResult, throttle};

const ACCOUNT: &str = "account";
const ADDRESS: &str = "address";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Allowed,
    TooManyFromAddress,
    TooManyForAccount,
}

/// Counts this attempt against the client address and says whether it may go on.
pub async fn admit(
    c: &mut impl Conn,
    s: &Settings,
    account: &str,
    address: &str,
    now: DateTime<Utc>,
) -> StoreResult<Verdict> {
    if throttle::count_since(c, ADDRESS, address, now - Duration::minutes(1)).await?
        >= s.signin_max_per_address
    {
        return Ok(Verdict::TooManyFromAddress);
    }
    throttle::record(c, ADDRESS, address, now).await?;
    let since = now - Duration::minutes(s.signin_window_minutes);
    if throttle::count_since(c, ACCOUNT, account, since).await? >= s.signin_max_failures {
        return Ok(Verdict::TooManyForAccount);
    }
    Ok(Verdict::Allowed)
}

pub async fn record_failure(
    c: &mut impl Conn,
    account: &str,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    throttle::record(c, ACCOUNT, account, now).await?;
    // Old rows are useless; trimming now and then keeps the table small without a job.
    if rand::random::<u8>() == 0 {
        throttle::prune(c, now - Duration::days(1)).await?;
    }
    Ok(())
}

/// A successful sign-in forgives the account's earlier failures.
pub async fn record_success(c: &mut impl Conn, account: &str) -> StoreResult<()> {
    throttle::clear(c, ACCOUNT, account).await
}
