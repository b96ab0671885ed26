//! What both OpenAPI 3.1 documents share. Each surface (`msp`, `v1`) declares its document next to
//! its routes, generated from the handlers' `#[utoipa::path]` annotations and the answer types'
//! `ToSchema` derives; [`finish`] adds what every operation shares (Digest authentication, the
//! 401 and 429 answers, the rate-limit headers) once rather than on each handler. The same
//! documents feed the console's Support page.

use actix_web::HttpResponse;
use actix_web::http::header;
use serde_json::{Map, Value, json};

use super::ratelimit::RATE_HEADERS;

/// What `v` stands for: the schema, response or parameter its `$ref` points at within `doc`
/// (`Null` when dangling), or `v` itself.
pub fn resolve<'a>(doc: &'a Value, v: &'a Value) -> &'a Value {
    match v.get("$ref").and_then(Value::as_str) {
        Some(r) => doc
            .pointer(r.trim_start_matches('#'))
            .unwrap_or(&Value::Null),
        None => v,
    }
}

/// The document's path item for a concrete request path (`{param}` segments match any, and a
/// trailing slash is no difference: the MSP document's `/discounts/` is asked as `/discounts`).
pub fn path_item<'a>(doc: &'a Value, path: &str) -> Option<&'a Value> {
    let path = path.split('?').next().unwrap_or(path);
    let want: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    doc["paths"]
        .as_object()?
        .iter()
        .find(|(template, _)| {
            let have: Vec<&str> = template.trim_end_matches('/').split('/').collect();
            have.len() == want.len()
                && have
                    .iter()
                    .zip(&want)
                    .all(|(h, w)| h.starts_with('{') || h == w)
        })
        .map(|(_, item)| item)
}

/// What an API scope answers for a request no route took: 405 with the methods a documented
/// path takes, else 404.
pub fn unmatched(doc: &Value, path: &str, surface: &str) -> super::error::ApiError {
    match path_item(doc, path).and_then(Value::as_object) {
        Some(item) => super::error::ApiError::MethodNotAllowed(
            item.keys().map(|m| m.to_ascii_uppercase()).collect(),
        ),
        None => super::error::ApiError::NotFound(format!("no such operation in the {surface}")),
    }
}

/// A document as served, cacheable for a few minutes.
pub fn serve(doc: &Value) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "public, max-age=300"))
        .json(doc)
}

/// `api` made whole: its paths under `base`, Digest authentication, the shared 401 and 429
/// answers (403 too where `forbidden` says why) and the rate-limit headers.
pub fn finish(
    api: utoipa::openapi::OpenApi,
    base: &str,
    forbidden: Option<&str>,
    title: &str,
    version: &str,
    description: &str,
) -> Value {
    let mut doc = serde_json::to_value(api).expect("an OpenAPI document serializes");
    doc["info"] = json!({ "title": title, "version": version, "description": description });
    let paths = doc["paths"].as_object().cloned().unwrap_or_default();
    let mut full = Map::new();
    for (path, mut item) in paths {
        for (method, op) in item.as_object_mut().into_iter().flat_map(|m| m.iter_mut()) {
            if method != "get" {
                add_scope_refusal(op);
            }
            add_shared_answers(op, forbidden);
        }
        full.insert(format!("{base}{path}"), item);
    }
    doc["paths"] = Value::Object(full);
    doc["security"] = json!([{ "digest": [] }]);
    let components = doc
        .as_object_mut()
        .expect("the document is an object")
        .entry("components")
        .or_insert_with(|| json!({}));
    components["securitySchemes"] = json!({
        "digest": {
            "type": "http",
            "scheme": "digest",
            "description": "HTTP Digest (RFC 7616) with the API key: the public key is the user \
                name, the private key the password. SHA-256 and MD5 are offered, qop=auth; a \
                nonce may be reused with a growing nc for five minutes.",
        }
    });
    let mut headers = Map::new();
    for (name, description) in RATE_HEADERS {
        headers.insert(
            name.into(),
            json!({ "description": description, "schema": { "type": "integer", "minimum": 0 } }),
        );
    }
    components["headers"] = Value::Object(headers);
    let error =
        json!({ "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } });
    components["responses"] = json!({
        "Unauthenticated": {
            "description": "No Authorization header, an expired nonce (with `stale=true`), a \
                wrong or revoked key, or a suspended partner. The WWW-Authenticate headers carry \
                a SHA-256 and an MD5 challenge.",
            "headers": { "WWW-Authenticate": { "description": "A Digest challenge", "schema": { "type": "string" } } },
            "content": error,
        },
        "TooManyRequests": {
            "description": "Past the key's requests per minute, or too many failed \
                authentications from this address. Retry after `Retry-After` seconds.",
            "headers": { "Retry-After": { "description": "Seconds to wait", "schema": { "type": "integer", "minimum": 0 } } },
            "content": error,
        },
    });
    doc
}

/// Adds 401 and 429 (and 403 where every operation refuses some keys) to an operation, and the
/// rate-limit headers to each of its authenticated answers.
fn add_shared_answers(op: &mut Value, forbidden: Option<&str>) {
    let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else {
        return;
    };
    if let Some(why) = forbidden {
        responses.insert(
            "403".into(),
            json!({
                "description": why,
                "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } },
            }),
        );
    }
    for answer in responses.values_mut() {
        let Some(a) = answer.as_object_mut() else {
            continue;
        };
        let headers = a.entry("headers").or_insert_with(|| json!({}));
        for (name, _) in RATE_HEADERS {
            headers[name] = json!({ "$ref": format!("#/components/headers/{name}") });
        }
    }
    responses.insert(
        "401".into(),
        json!({ "$ref": "#/components/responses/Unauthenticated" }),
    );
    responses.insert(
        "429".into(),
        json!({ "$ref": "#/components/responses/TooManyRequests" }),
    );
}

/// A change can be refused for the key's scope (issue 26): said on the operation's 403, which
/// some operations already have for another reason.
fn add_scope_refusal(op: &mut Value) {
    let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else {
        return;
    };
    const SCOPE: &str = "The API key's scope does not allow this change: a `read` key only \
        reads, a `billing` key reads and sends or voids invoices, a `full` key does everything.";
    let answer = responses.entry("403").or_insert_with(|| {
        json!({
            "description": "",
            "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } },
        })
    });
    let before = answer["description"].as_str().unwrap_or_default();
    answer["description"] = if before.is_empty() {
        json!(SCOPE)
    } else {
        json!(format!("{before} {SCOPE}"))
    };
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_operation_is_documented_under_its_base_with_the_shared_answers() {
        let msp = crate::api::msp::document();
        assert_eq!(msp["openapi"], "3.1.0");
        let paths = msp["paths"].as_object().unwrap();
        assert_eq!(paths.len(), 7);
        assert!(paths.keys().all(|p| p.starts_with("/v1beta1/msp/")));
        let list = &msp["paths"]["/v1beta1/msp/mspCustomers"]["get"];
        assert_eq!(list["parameters"][0]["name"], "pageSize");
        assert!(list["responses"]["429"].is_object());
        assert!(
            list["responses"]["403"]["description"]
                .as_str()
                .unwrap()
                .contains("/api/v1")
        );
        // In v1 the shared reads are for both partner kinds: no 403 there.
        let v1_bill = &crate::api::v1::document()["paths"]["/api/v1/bills/{billedMonth}"]["get"];
        assert!(v1_bill["responses"]["403"].is_null());
        assert!(list["responses"]["200"]["headers"]["X-Ratelimit-Remaining-Minute"].is_object());
        let v1 = crate::api::v1::document();
        assert!(v1["paths"]["/api/v1/signupLinks"]["post"]["requestBody"].is_object());
        assert!(v1["paths"]["/api/v1/customers/{customerOrgId}"]["get"].is_object());
        for schema in ["MspCustomer", "PartnerBill", "Error", "Me", "SignupLink"] {
            assert!(
                v1["components"]["schemas"][schema].is_object()
                    || msp["components"]["schemas"][schema].is_object(),
                "{schema}"
            );
        }
    }
}
