//! Operations endpoints: liveness, readiness, metrics, static files.

use actix_web::{HttpResponse, web};

use super::routes;
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(routes::HEALTHZ, web::get().to(healthz))
        .route(routes::READYZ, web::get().to(readyz))
        .route(routes::METRICS, web::get().to(metrics))
        .route(routes::STATIC, web::get().to(crate::web::assets::serve));
}

async fn healthz() -> HttpResponse {
    HttpResponse::Ok().content_type("text/plain").body("ok")
}

/// Ready when the database answers within two seconds.
async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    let ping = tokio::time::timeout(std::time::Duration::from_secs(2), state.db.ping()).await;
    match ping {
        Ok(Ok(())) => HttpResponse::Ok().content_type("text/plain").body("ready"),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "readiness check failed");
            HttpResponse::ServiceUnavailable()
                .content_type("text/plain")
                .body("database unavailable")
        }
        Err(_) => HttpResponse::ServiceUnavailable()
            .content_type("text/plain")
            .body("database timed out"),
    }
}

async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    let depth = match state.db.acquire().await {
        Ok(mut c) => crate::store::outbox::depth(&mut c).await.unwrap_or(-1),
        Err(_) => -1,
    };
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(state.metrics.render(depth))
}
