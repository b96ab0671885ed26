//! Who an e-mailed link (activation, password reset, invitation) was sent to, while it can still
//! be used: the pages behind a link read it before they ask for anything.

use super::Ctx;
use crate::store::StoreError;
use crate::store::tokens::{self, TokenState};
use crate::store::users::{self, User};

/// The user link `token_hash` of `purpose` was made for, or the state that makes it unusable
/// (used, expired, unknown). Reading uses nothing up.
pub async fn holder(
    ctx: Ctx<'_>,
    purpose: &str,
    token_hash: &str,
) -> Result<Result<User, TokenState>, StoreError> {
    let mut c = ctx.db.acquire().await?;
    match tokens::peek(&mut c, purpose, token_hash, ctx.now).await? {
        TokenState::Usable(id) => Ok(users::find_by_id(&mut c, id)
            .await?
            .ok_or(TokenState::Unknown)),
        other => Ok(Err(other)),
    }
}
