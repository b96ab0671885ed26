//! What every page's template gets ([`PageCtx`]: language, signed-in user, CSRF token, flashes,
//! navigation) and the helpers that turn a template into a response.

use std::future::{Ready, ready};

use actix_session::SessionExt;
use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse};
use askama::Template;

use super::routes;

mod nav;
use crate::i18n::I18n;
use crate::web::guard::CurrentUser;
use crate::web::session::{self, Flash};

#[derive(Debug, Clone)]
pub struct UserView {
    pub email: String,
    pub is_operator: bool,
    pub partner_name: Option<String>,
    pub role: Option<crate::domain::Role>,
    pub is_msp: bool,
}

impl UserView {
    pub fn is_manager(&self) -> bool {
        self.role.is_some_and(crate::domain::Role::manages)
    }
}

#[derive(Debug, Clone)]
pub struct NavItem {
    pub href: &'static str,
    pub label: String,
    pub active: bool,
}

/// What is wrong with a form: each field's id with what to tell, in the order of the form, so
/// the summary at its top reads like the form (`partials/forms.html`).
#[derive(Debug, Default, Clone)]
pub struct FormErrors(Vec<(&'static str, String)>);

impl FormErrors {
    pub fn new() -> FormErrors {
        FormErrors::default()
    }

    /// Adds what is wrong with the field `id`; a field's first error is the one shown.
    pub fn insert(&mut self, id: &'static str, text: String) {
        if self.get(id).is_none() {
            self.0.push((id, text));
        }
    }

    pub fn get(&self, id: &str) -> Option<&String> {
        self.0.iter().find(|(f, _)| *f == id).map(|(_, t)| t)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// What a page showing the form answers: 422 when something is wrong, else 200.
    pub fn status(&self) -> StatusCode {
        if self.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = &(&'static str, String)> {
        self.0.iter()
    }

    /// Takes a field's error out, for a page that shows it elsewhere than at a field.
    pub fn remove(&mut self, id: &str) -> Option<String> {
        let at = self.0.iter().position(|(f, _)| *f == id)?;
        Some(self.0.remove(at).1)
    }

    /// The same errors under the ids the form gives its inputs, where those differ from the
    /// names the application gives the fields.
    pub fn renamed(self, id_of: impl Fn(&'static str) -> &'static str) -> FormErrors {
        let mut out = FormErrors::new();
        for (f, t) in self.0 {
            out.insert(id_of(f), t);
        }
        out
    }

    /// Puts the errors in the order of the form's fields (ids not listed keep theirs, last).
    pub fn in_order(mut self, ids: &[&str]) -> FormErrors {
        let rank = |f: &str| ids.iter().position(|i| *i == f).unwrap_or(ids.len());
        self.0.sort_by_key(|(f, _)| rank(f));
        self
    }
}

#[derive(Debug, Clone)]
pub struct PageCtx {
    pub i18n: I18n,
    pub user: Option<UserView>,
    pub csrf: String,
    pub flashes: Vec<Flash>,
    pub path: String,
}

impl PageCtx {
    /// For pages rendered without a request (error pages).
    pub fn anonymous() -> PageCtx {
        PageCtx {
            i18n: I18n::default(),
            user: None,
            csrf: String::new(),
            flashes: Vec::new(),
            path: String::new(),
        }
    }

    pub fn t(&self, key: &str) -> String {
        self.i18n.t(key)
    }

    pub fn t_args(&self, key: &str, args: &[(&'static str, &str)]) -> String {
        self.i18n.t_args(key, args)
    }

    /// A message of the application's, in the page's language.
    pub fn say(&self, m: &crate::i18n::Message) -> String {
        self.i18n.say(m)
    }

    /// What a form shows next to its fields: the first error of each field, by the field's name.
    pub fn field_errors(&self, errors: &[crate::app::FieldError]) -> FormErrors {
        let mut out = FormErrors::new();
        for e in errors {
            out.insert(e.field, self.say(&e.message));
        }
        out
    }

    /// What to tell the person of a refusal, for a page that goes back where it was with a
    /// flash; `None` for the server's own failures, which are the error page's.
    pub fn refusal(&self, e: &crate::app::Error) -> Option<String> {
        use crate::app::Error;
        match e {
            Error::Invalid(fields) => Some(
                fields
                    .iter()
                    .map(|f| self.say(&f.message))
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            Error::Forbidden(_) => Some(self.t("error-403-text")),
            Error::Store(_) | Error::Internal(_) => None,
            other => other.message().map(|m| self.say(&m)),
        }
    }

    /// A state, a role or an action, in the page's language.
    pub fn label(&self, value: impl crate::domain::Labelled) -> String {
        self.t(&value.label_key())
    }

    /// An audit log row's action as its label, from the code it is stored under (a code no
    /// action has any more shows as itself).
    pub fn action(&self, code: &str) -> String {
        crate::domain::AuditAction::parse(code).map_or_else(|| code.to_string(), |a| self.label(a))
    }

    /// A month for people, in the page's language.
    pub fn month(&self, m: impl std::fmt::Display) -> String {
        self.i18n.month(m)
    }

    /// The public pages' switcher: each language but the page's, with its link back here.
    pub fn other_languages(&self) -> Vec<(&'static str, &'static str, String)> {
        let here = self.lang();
        crate::i18n::LANGUAGES
            .iter()
            .filter(|(code, _)| *code != here)
            .map(|(code, name)| {
                let mut q = url::form_urlencoded::Serializer::new(String::new());
                q.append_pair("to", code).append_pair("next", &self.path);
                (*code, *name, format!("{}?{}", routes::LANGUAGE, q.finish()))
            })
            .collect()
    }

    pub fn lang(&self) -> String {
        self.i18n.lang()
    }

    pub fn asset(&self, name: &str) -> String {
        crate::web::assets::url(name)
    }

    pub fn csrf_field(&self) -> &'static str {
        crate::web::csrf::FIELD
    }

    pub fn home_href(&self) -> &'static str {
        match &self.user {
            Some(u) if u.is_operator => routes::ADMIN,
            Some(_) => routes::CONSOLE,
            None => routes::HOME,
        }
    }
}

impl FromRequest for PageCtx {
    type Error = std::convert::Infallible;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let sess = req.get_session();
        let setting = req
            .extensions()
            .get::<CurrentUser>()
            .and_then(|CurrentUser(u)| u.language.clone());
        let chosen = req
            .cookie(crate::i18n::LANGUAGE_COOKIE)
            .map(|c| c.value().to_string());
        let accept = req
            .headers()
            .get(actix_web::http::header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok());
        let i18n = I18n::negotiate(setting.as_deref(), chosen.as_deref(), accept);
        let user = req
            .extensions()
            .get::<CurrentUser>()
            .map(|CurrentUser(u)| UserView {
                email: u.email.clone(),
                is_operator: u.is_operator,
                partner_name: u.partner_name.clone(),
                role: u.role,
                is_msp: u.partner_kind == Some(crate::domain::PartnerKind::Msp),
            });
        ready(Ok(PageCtx {
            i18n,
            user,
            csrf: session::csrf_token(&sess),
            flashes: session::take_flashes(&sess),
            path: req.path().to_string(),
        }))
    }
}

/// What a page that changes something works with: its context (language, user, CSRF token,
/// flashes), the session it flashes into, and the application.
pub struct Page {
    pub ctx: PageCtx,
    pub sess: actix_session::Session,
    pub state: actix_web::web::Data<crate::state::AppState>,
}

impl FromRequest for Page {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, actix_web::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let state = match actix_web::web::Data::<crate::state::AppState>::extract(req).into_inner()
        {
            Ok(s) => s,
            Err(e) => return ready(Err(e)),
        };
        let ctx = match PageCtx::from_request(req, payload).into_inner() {
            Ok(c) => c,
            Err(never) => match never {},
        };
        ready(Ok(Page {
            ctx,
            sess: req.get_session(),
            state,
        }))
    }
}

/// The page with status 200; a `Result` of any error type so that handlers end with it.
pub fn render<E>(t: &impl Template) -> Result<HttpResponse, E> {
    Ok(render_status(StatusCode::OK, t))
}

/// A page that shows a secret once (a private key, recovery codes, a signing secret): status
/// 200 and never cached, so no cache keeps it or shows it again.
pub fn render_shown_once(t: &impl Template) -> HttpResponse {
    let mut res = render_status(StatusCode::OK, t);
    res.headers_mut().insert(
        actix_web::http::header::CACHE_CONTROL,
        actix_web::http::header::HeaderValue::from_static("no-store"),
    );
    res
}

pub fn render_status(status: StatusCode, t: &impl Template) -> HttpResponse {
    match t.render() {
        Ok(body) => HttpResponse::build(status)
            .content_type("text/html; charset=utf-8")
            .body(body),
        Err(e) => {
            tracing::error!(error = %e, "template failed to render");
            HttpResponse::InternalServerError()
                .content_type("text/plain; charset=utf-8")
                .body("Internal error")
        }
    }
}

/// Goes to `to` and shows `text` there once: how a form that did something answers.
pub fn redirect_with(
    sess: &actix_session::Session,
    level: session::FlashLevel,
    text: impl Into<String>,
    to: &str,
) -> HttpResponse {
    session::flash(sess, level, text);
    redirect(to)
}

pub fn redirect(to: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((actix_web::http::header::LOCATION, to))
        .finish()
}
