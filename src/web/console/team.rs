//! Team (issue 15): the partner's members, invitations, roles and removal. Owners and admins;
//! who may change what is the application layer's rights table.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::app::team::{self, MemberRow};
use crate::domain::{Action, Role};
use crate::state::AppState;
use crate::web::confirm::{Confirmation, Question, ask};
use crate::web::error::AppError;
use crate::web::guard::{Manager, Member};
use crate::web::page::{Page, PageCtx, redirect, redirect_with, render_status};
use crate::web::routes;
use crate::web::session::{self, FlashLevel};

pub fn configure(cfg: &mut web::ServiceConfig) {
    let at = |p| routes::within(routes::CONSOLE, p);
    cfg.route(at(routes::CONSOLE_TEAM), web::get().to(page))
        .route(at(routes::CONSOLE_TEAM_INVITE), web::post().to(invite))
        .route(at(routes::CONSOLE_TEAM_ROLE), web::post().to(change_role))
        .route(at(routes::CONSOLE_TEAM_REMOVE), web::post().to(remove))
        .route(at(routes::CONSOLE_TEAM_RESEND), web::post().to(resend))
        .route(at(routes::CONSOLE_TEAM_CANCEL), web::post().to(cancel));
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
struct InviteForm {
    email: String,
    role: String,
}

impl Default for InviteForm {
    fn default() -> Self {
        InviteForm {
            email: String::new(),
            role: "viewer".into(),
        }
    }
}

#[derive(Template)]
#[template(path = "console/team.html")]
struct TeamPage {
    ctx: PageCtx,
    members: Vec<MemberRow>,
    /// The roles the signed-in member may give.
    roles: Vec<Role>,
    me: i64,
    v: InviteForm,
    error: Option<String>,
}

impl TeamPage {
    fn role_label(&self, r: &Role) -> String {
        self.ctx.t(&format!("role-{r}"))
    }

    /// Whether the signed-in member may change `m` (owners only by owners; not oneself).
    fn may_change(&self, m: &MemberRow) -> bool {
        m.user.user_id != self.me
            && (m.user.role != Some(Role::Owner) || self.roles.contains(&Role::Owner))
    }
}

async fn render_page(
    state: &AppState,
    m: &Member,
    actor: &crate::app::Actor,
    ctx: PageCtx,
    v: InviteForm,
    error: Option<String>,
) -> Result<HttpResponse, AppError> {
    let members = team::list(state.app(), actor).await?;
    let roles = Role::ALL
        .into_iter()
        .filter(|r| *r != Role::Owner || actor.may(Action::ManageOwners))
        .collect();
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok(render_status(
        status,
        &TeamPage {
            ctx,
            members,
            roles,
            me: m.user.user_id,
            v,
            error,
        },
    ))
}

async fn page(m: Member, Page { ctx, state, .. }: Page) -> Result<HttpResponse, AppError> {
    render_page(&state, &m, &m.actor, ctx, InviteForm::default(), None).await
}

async fn invite(
    m: Member,
    Page { ctx, sess, state }: Page,
    form: web::Form<InviteForm>,
) -> Result<HttpResponse, AppError> {
    let v = form.into_inner();
    let Ok(role) = Role::parse(&v.role) else {
        let e = ctx.t("error-role");
        return render_page(&state, &m, &m.actor, ctx, v, Some(e)).await;
    };
    match team::invite(state.app(), &m.actor, &v.email, role, &ctx.i18n).await {
        Ok(_) => Ok(redirect_with(
            &sess,
            FlashLevel::Success,
            ctx.t_args("flash-member-invited", &[("email", v.email.trim())]),
            routes::CONSOLE_TEAM,
        )),
        Err(crate::app::Error::Invalid(bad)) => {
            let e = bad.first().map(|f| ctx.say(&f.message));
            render_page(&state, &m, &m.actor, ctx, v, e).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RoleForm {
    role: String,
}

/// Runs a change of a member and goes back to the team page saying what happened.
async fn after(
    sess: &Session,
    ctx: &PageCtx,
    done: Result<(), crate::app::Error>,
    success: &str,
) -> Result<HttpResponse, AppError> {
    match done {
        Ok(()) => session::flash(sess, FlashLevel::Success, ctx.t(success)),
        Err(crate::app::Error::Conflict(m)) => session::flash(sess, FlashLevel::Error, ctx.say(&m)),
        Err(e) => return Err(e.into()),
    }
    Ok(redirect(routes::CONSOLE_TEAM))
}

async fn change_role(
    m: Manager,
    Page { ctx, sess, state }: Page,
    id: web::Path<i64>,
    form: web::Form<RoleForm>,
) -> Result<HttpResponse, AppError> {
    let role = Role::parse(&form.role).map_err(|_| AppError::BadRequest)?;
    let done = team::change_role(state.app(), &m.actor, *id, role)
        .await
        .map(|_| ());
    after(&sess, &ctx, done, "flash-member-role").await
}

async fn remove(
    m: Manager,
    Page { ctx, sess, state }: Page,
    id: web::Path<i64>,
    confirmation: Confirmation,
) -> Result<HttpResponse, AppError> {
    if !confirmation.given() {
        let members = team::list(state.app(), &m.actor).await?;
        let member = members
            .iter()
            .find(|r| r.user.user_id == *id)
            .ok_or(AppError::NotFound)?;
        let email = [("email", member.user.email.as_str())];
        let q = Question {
            title: ctx.t_args("confirm-remove-member-title", &email),
            text: ctx.t("confirm-remove-member-text"),
            button: ctx.t("team-remove"),
            action: routes::console_team_remove(*id),
            back: routes::CONSOLE_TEAM.into(),
        };
        return ask(ctx, q);
    }
    let done = team::remove(state.app(), &m.actor, *id).await.map(|_| ());
    after(&sess, &ctx, done, "flash-member-removed").await
}

async fn resend(
    m: Manager,
    Page { ctx, sess, state }: Page,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let done = team::resend(state.app(), &m.actor, *id, &ctx.i18n)
        .await
        .map(|_| ());
    after(&sess, &ctx, done, "flash-invitation-resent").await
}

async fn cancel(
    m: Manager,
    Page { ctx, sess, state }: Page,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let done = team::cancel(state.app(), &m.actor, *id).await.map(|_| ());
    after(&sess, &ctx, done, "flash-invitation-cancelled").await
}
