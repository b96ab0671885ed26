//! Asking before an action that cannot be undone (issue 23), without JavaScript: the action's
//! button posts as before, and a post without `confirmed=yes` is answered with a page that says
//! what will happen, a button that posts the same action again confirmed, and a way back.
//! Nothing changes until then, whoever posts (a script too).

use actix_web::{FromRequest, HttpRequest, HttpResponse, dev::Payload, web};
use askama::Template;
use serde::Deserialize;

use super::error::AppError;
use super::page::{PageCtx, render};

/// The confirmation a post carries, if any. Reads the form's `confirmed` field; a body that is
/// not a form counts as not confirmed.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Confirmation {
    confirmed: String,
}

impl Confirmation {
    pub fn given(&self) -> bool {
        self.confirmed == "yes"
    }
}

impl FromRequest for Confirmation {
    type Error = actix_web::Error;
    type Future = futures_util::future::LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let form = web::Form::<Confirmation>::from_request(req, payload);
        Box::pin(async move { Ok(form.await.map(|f| f.into_inner()).unwrap_or_default()) })
    }
}

/// What the page asks: a title, what will happen, the button that does it and where "Cancel"
/// goes back to. `action` is the path the confirmed form posts to.
pub struct Question {
    pub title: String,
    pub text: String,
    pub button: String,
    pub action: String,
    pub back: String,
}

#[derive(Template)]
#[template(path = "confirm.html")]
struct ConfirmPage {
    ctx: PageCtx,
    q: Question,
}

/// The page asking `q`.
pub fn ask(ctx: PageCtx, q: Question) -> Result<HttpResponse, AppError> {
    render(&ConfirmPage { ctx, q })
}
