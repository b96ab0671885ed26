//! Creating accounts outside the web flows: vendor operators from the CLI, and (until partner
//! onboarding exists) partner members for the demo and the tests.

use crate::app::error::{Error, FieldError, Message, Result};
use chrono::Utc;

use crate::credentials::password::Passwords;
use crate::domain::{DomainError, Email, NewPassword, Role};
use crate::store::users::{self, Membership};
use crate::store::{Db, StoreError};

fn invalid(field: &'static str) -> impl Fn(DomainError) -> Error {
    move |e| Error::invalid(field, e.key)
}

/// Creates a user with a password after checking both against the policy.
pub async fn create_user(
    db: &Db,
    email: &str,
    password: &str,
    membership: Membership,
) -> Result<i64> {
    let email = Email::parse(email).map_err(invalid("email"))?;
    let password = NewPassword::parse(password, Some(&email)).map_err(invalid("password"))?;
    let pw = password.expose().to_owned();
    let hash = Passwords::default().hash(&pw).await?;
    let mut tx = db.begin().await?;
    let id = match users::insert(&mut tx, &email, "", Some(&hash), membership, Utc::now()).await {
        Err(StoreError::Conflict(_)) => {
            return Err(Error::Conflict(
                Message::new("error-user-taken").text("email", email.as_str()),
            ));
        }
        other => other?,
    };
    tx.commit().await?;
    Ok(id)
}

pub async fn create_operator(db: &Db, email: &str, password: &str) -> Result<i64> {
    create_user(db, email, password, Membership::Operator).await
}

/// Creates the user, or, when it exists, gives it this password (used by `demo`).
pub async fn ensure_user(
    db: &Db,
    email: &str,
    password: &str,
    membership: Membership,
) -> Result<i64> {
    match create_user(db, email, password, membership).await {
        Err(Error::Conflict(_)) => {
            let parsed = Email::parse(email).map_err(invalid("email"))?;
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
) -> Result<crate::credentials::api_keys::IssuedKey> {
    let parsed = Email::parse(email).map_err(invalid("email"))?;
    let mut tx = db.begin().await?;
    let user = users::find_by_email(&mut tx, &parsed).await?;
    let Some(user) = user.filter(|u| u.is_operator) else {
        return Err(Error::Invalid(vec![FieldError {
            field: "email",
            message: Message::new("error-not-operator").text("email", email),
        }]));
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
