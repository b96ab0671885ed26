//! Creating accounts outside the web flows: vendor operators from the CLI, and (until partner
//! onboarding exists) partner members for the demo and the tests.

use chrono::Utc;

use crate::credentials::password::Passwords;
use crate::domain::{DomainError, Email, NewPassword, Role};
use crate::i18n::I18n;
use crate::store::users::{self, Membership};
use crate::store::{Db, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum CreateUserError {
    #[error("{0}")]
    Invalid(String),
    #[error("a user with the e-mail address {0} already exists")]
    Taken(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

fn invalid(e: DomainError) -> CreateUserError {
    CreateUserError::Invalid(I18n::default().t(e.key))
}

/// Creates a user with a password after checking both against the policy.
pub async fn create_user(
    db: &Db,
    email: &str,
    password: &str,
    membership: Membership,
) -> Result<i64, CreateUserError> {
    let email = Email::parse(email).map_err(invalid)?;
    let password = NewPassword::parse(password, Some(&email)).map_err(invalid)?;
    let pw = password.expose().to_owned();
    let hash = Passwords::default().hash(&pw).await?;
    let mut tx = db.begin().await?;
    let id = match users::insert(&mut tx, &email, "", Some(&hash), membership, Utc::now()).await {
        Err(StoreError::Conflict(_)) => {
            return Err(CreateUserError::Taken(email.as_str().to_string()));
        }
        other => other?,
    };
    tx.commit().await?;
    Ok(id)
}

pub async fn create_operator(db: &Db, email: &str, password: &str) -> Result<i64, CreateUserError> {
    create_user(db, email, password, Membership::Operator).await
}

/// Creates the user, or, when it exists, gives it this password (used by `demo`).
pub async fn ensure_user(
    db: &Db,
    email: &str,
    password: &str,
    membership: Membership,
) -> Result<i64, CreateUserError> {
    match create_user(db, email, password, membership).await {
        Err(CreateUserError::Taken(_)) => {
            let parsed = Email::parse(email).map_err(invalid)?;
            let pw = password.to_owned();
            let hash = Passwords::default().hash(&pw).await?;
            let mut tx = db.begin().await?;
            let user = users::find_by_email(&mut tx, &parsed)
                .await?
                .ok_or(StoreError::NotFound)?;
            users::set_password(&mut tx, user.user_id, &hash, Utc::now()).await?;
            tx.commit().await?;
            Ok(user.user_id)
        }
        other => other,
    }
}

pub fn member(partner_id: i64, role: Role) -> Membership {
    Membership::Partner { partner_id, role }
}

/// Issues an API key for the operator `email`; the private half is in the result only.
pub async fn issue_operator_key(
    db: &Db,
    vault: &crate::credentials::api_keys::KeyVault,
    email: &str,
) -> Result<crate::credentials::api_keys::IssuedKey, CreateUserError> {
    let parsed = Email::parse(email).map_err(invalid)?;
    let mut tx = db.begin().await?;
    let user = users::find_by_email(&mut tx, &parsed).await?;
    let Some(user) = user.filter(|u| u.is_operator) else {
        return Err(CreateUserError::Invalid(format!(
            "{email} is not an operator"
        )));
    };
    let key = vault.issue()?;
    crate::store::operator_keys::insert(
        &mut tx,
        user.user_id,
        &key.public_key,
        &key.ha1_sha256_enc,
        &key.ha1_md5_enc,
        Utc::now(),
    )
    .await?;
    tx.commit().await?;
    Ok(key)
}
