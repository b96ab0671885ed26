//! Health, readiness and metrics.

use crate::helpers::spawn_app;
use partner_console::paths as routes;

#[tokio::test]
async fn readyz_follows_the_database() {
    let app = spawn_app().await;
    assert_eq!(app.get(routes::HEALTHZ).await.status(), 200);
    assert_eq!(app.get(routes::READYZ).await.status(), 200);
    app.state.db.close().await;
    let r = app.get(routes::READYZ).await;
    assert_eq!(r.status(), 503);
    // The process itself is still alive.
    assert_eq!(app.get(routes::HEALTHZ).await.status(), 200);
}

#[tokio::test]
async fn metrics_name_routes_by_pattern_never_by_token() {
    let app = spawn_app().await;
    app.get("/password/reset/SECRET-TOKEN-VALUE").await;
    app.get(routes::SIGN_IN).await;
    let (status, text) = app.get_text(routes::METRICS).await;
    assert_eq!(status, 200);
    assert!(
        text.contains(r#"route="/password/reset/{token}""#),
        "{text}"
    );
    assert!(
        text.contains(r#"http_requests_total{method="GET",route="/sign-in",status="200"} 1"#),
        "{text}"
    );
    assert!(text.contains("http_request_duration_seconds_bucket"));
    assert!(text.contains("outbox_depth 0"));
    assert!(!text.contains("SECRET-TOKEN-VALUE"));
}
