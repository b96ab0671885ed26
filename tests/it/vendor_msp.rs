//! The vendor's own MSP API document, as the contract our `/v1beta1/msp` answers are held to
//! (not our generated OpenAPI document, which could drift with the code).
//!
//! Transcribed by hand from "MSP (Managed Service Provider) OPENAPI", version v1beta1, Swagger
//! 2.0, host `msp.tidbapi.com`, base path `/v1beta1/msp`, as published in the public repository
//! `api-evangelist/tidb`, file `openapi/_original/tidb-cloud-msp-v1beta1-openapi-original.json`
//! (commit 78e5f74bbf92ccd9b15ee78c3d5703836f17b213). Kept: every path and method, the
//! response schema of each documented status, every definition's field names and JSON types,
//! with the document's own definition names. Types are written `string`, `number`, `integer`,
//! `any` (the document's `{}`), a definition's name, or `[name]` for an array of it; the
//! document's `allOf: [{$ref}]` wrappers are written as the plain reference.
//!
//! One recorded override, from SPEC 6: the document types bill amounts as numbers "in cents";
//! the vendor's billing API, built on the same structures, answers strings in dollars and the
//! public clients parse strings. So the four amounts of [`AMOUNT_DEFINITIONS`] must be strings
//! with exactly two decimals. Nothing else is overridden.

use serde_json::Value;

pub const DOCUMENT: &str = r#"{
  "basePath": "/v1beta1/msp",
  "paths": {
    "/bills/{billedMonth}": {
      "get": { "200": "forms.MspBills", "400": "billing_errors.BaseError", "403": "billing_errors.BaseError" }
    },
    "/credits": {
      "get": { "200": ["forms.MspCredit"], "400": "billing_errors.BaseError" }
    },
    "/customerSignupUrl": {
      "post": { "200": "api.OpenApiMspCustomerSignupUrl", "400": "api.OpenApiError" }
    },
    "/discounts/": {
      "get": { "200": ["forms.MspDiscount"], "400": "billing_errors.BaseError" }
    },
    "/mspCustomers": {
      "get": { "200": "api.OpenApiListMspCustomerRsp", "400": "api.OpenApiError" }
    },
    "/mspCustomers/{customerOrgId}": {
      "get": { "200": "api.OpenApiMspCustomer", "400": "api.OpenApiError" }
    },
    "/mspCustomerBills/{billedMonth}/mspCustomers/{mspCustomerId}": {
      "get": { "200": "forms.BillsExplorer", "400": "billing_errors.BaseError" }
    }
  },
  "definitions": {
    "api.OpenApiCreateMspCustomerSignupUrlReq": { "orgId": "string" },
    "api.OpenApiError": { "code": "string", "error": "any", "msgPrefix": "string", "status": "integer" },
    "api.OpenApiListMspCustomerRsp": { "mspCustomers": ["api.OpenApiMspCustomer"], "nextPageToken": "string" },
    "api.OpenApiMspCustomer": {
      "effectedTime": "string", "email": "string", "expiredTime": "string", "id": "string",
      "orgId": "string", "orgName": "string", "state": "string"
    },
    "api.OpenApiMspCustomerSignupUrl": { "customerSignupUrl": "string", "expiredAt": "string" },
    "billing_errors.BaseError": { "code": "string", "error": "any", "msgPrefix": "string", "status": "integer" },
    "forms.BillsExplorer": {
      "overview": "forms.BillsOverview", "summaryByProject": "forms.SummaryByProject",
      "summaryByService": ["forms.BillsServiceCosts"]
    },
    "forms.BillsOtherName": {
      "chargeName": "string", "credits": "number", "discounts": "number", "runningTotal": "number",
      "totalCost": "number"
    },
    "forms.BillsOverview": {
      "billedMonth": "string", "credits": "number", "discounts": "number", "runningTotal": "number",
      "totalCost": "number"
    },
    "forms.BillsProjects": {
      "credits": "number", "discounts": "number", "projectName": "string", "runningTotal": "number",
      "totalCost": "number"
    },
    "forms.BillsServiceCosts": {
      "credits": "number", "discounts": "number", "runningTotal": "number",
      "serviceCosts": ["forms.BillsServiceCosts"], "serviceName": "string", "totalCost": "number"
    },
    "forms.MspBills": {
      "overview": "forms.BillsOverview", "summaryByCustomer": ["forms.SummaryByCustomer"],
      "summaryByService": ["forms.BillsServiceCosts"]
    },
    "forms.MspCredit": {
      "credit": "number", "creditCode": "string", "expiryDate": "string", "remainingCredit": "number",
      "services": "string", "startDate": "string", "status": "string"
    },
    "forms.MspDiscount": {
      "description": "string", "discountCode": "string", "expiryDate": "string",
      "percentageDiscount": "string", "services": "string", "startDate": "string", "status": "string"
    },
    "forms.SummaryByCustomer": { "customerID": "integer", "mspCustomerBills": "forms.BillsExplorer" },
    "forms.SummaryByProject": { "otherCharges": ["forms.BillsOtherName"], "projects": ["forms.BillsProjects"] }
  }
}"#;

/// The definitions whose amounts SPEC 6 keeps as two-decimal strings, and those amounts.
pub const AMOUNT_DEFINITIONS: [&str; 4] = [
    "forms.BillsOverview",
    "forms.BillsServiceCosts",
    "forms.BillsProjects",
    "forms.BillsOtherName",
];
pub const AMOUNT_FIELDS: [&str; 4] = ["credits", "discounts", "runningTotal", "totalCost"];

fn document() -> &'static Value {
    static DOC: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    DOC.get_or_init(|| serde_json::from_str(DOCUMENT).expect("the transcription is JSON"))
}

/// The document's seven operations as `(METHOD, path under the base)`.
pub fn operations() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (path, item) in document()["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            out.push((method.to_ascii_uppercase(), path.clone()));
        }
    }
    out
}

/// How an answer of ours departs from the vendor's document; empty when a client generated
/// from that document reads it. `path` is the full request path (query allowed). Statuses the
/// document does not list (401, 404, 429...: SPEC 6 follows SPEC 7 there) must still be its
/// error shape.
pub fn departures(method: &str, path: &str, status: u16, body: &Value) -> Vec<String> {
    let doc = document();
    let base = doc["basePath"].as_str().unwrap();
    let Some(rest) = path.strip_prefix(base) else {
        return vec![format!("{path} is not under {base}")];
    };
    let mut full = serde_json::Map::new();
    for (p, item) in doc["paths"].as_object().unwrap() {
        full.insert(format!("{base}{p}"), item.clone());
    }
    let paths = serde_json::json!({ "paths": full });
    let op = partner_console::api::openapi::path_item(&paths, &format!("{base}{rest}"))
        .and_then(|item| item.get(method.to_ascii_lowercase()));
    let Some(op) = op else {
        return if status == 404 || status == 405 {
            shape(&Value::from("billing_errors.BaseError"), body, "$")
        } else {
            vec![format!("{method} {path} is not in the vendor's document")]
        };
    };
    match op.get(status.to_string()) {
        Some(t) => shape(t, body, "$"),
        None if status >= 400 => shape(&Value::from("billing_errors.BaseError"), body, "$"),
        None => vec![format!(
            "{method} {path}: status {status} is not in the document"
        )],
    }
}

fn is_amount(s: &str) -> bool {
    let (whole, cents) = s
        .trim_start_matches('-')
        .split_once('.')
        .unwrap_or(("", ""));
    !whole.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && cents.len() == 2
        && cents.bytes().all(|b| b.is_ascii_digit())
}

fn shape(t: &Value, v: &Value, at: &str) -> Vec<String> {
    let wrong = |what: &str| vec![format!("{at}: {what}, got {v}")];
    match t {
        Value::Array(item) => match v.as_array() {
            None => wrong("an array"),
            Some(items) => items
                .iter()
                .enumerate()
                .flat_map(|(i, x)| shape(&item[0], x, &format!("{at}[{i}]")))
                .collect(),
        },
        Value::String(name) => match name.as_str() {
            "string" if v.is_string() => vec![],
            "number" if v.is_number() => vec![],
            "integer" if v.is_i64() || v.is_u64() => vec![],
            "any" => vec![],
            "string" | "number" | "integer" => wrong(&format!("a JSON {name}")),
            definition => {
                let Some(fields) = document()["definitions"][definition].as_object() else {
                    panic!("{definition} is not in the transcription");
                };
                let Some(obj) = v.as_object() else {
                    return wrong(&format!("an object ({definition})"));
                };
                let mut out = Vec::new();
                for (field, ft) in fields {
                    let here = format!("{at}.{field}");
                    match obj.get(field) {
                        None => out.push(format!("{here}: missing ({definition})")),
                        Some(x)
                            if AMOUNT_DEFINITIONS.contains(&definition)
                                && AMOUNT_FIELDS.contains(&field.as_str()) =>
                        {
                            if !x.as_str().is_some_and(is_amount) {
                                out.push(format!(
                                    "{here}: an amount as a string with two decimals, got {x}"
                                ));
                            }
                        }
                        Some(x) => out.extend(shape(ft, x, &here)),
                    }
                }
                out
            }
        },
        _ => panic!("a type in the transcription is neither a name nor [name]: {t}"),
    }
}

#[test]
fn the_transcription_has_the_seven_operations_and_catches_drift() {
    assert_eq!(operations().len(), 7);
    let defs = document()["definitions"].as_object().unwrap();
    // Every reference in the transcription names a definition in it.
    fn refs(t: &Value, out: &mut Vec<String>) {
        match t {
            Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
            Value::Object(o) => o.values().for_each(|x| refs(x, out)),
            Value::String(s) if !["string", "number", "integer", "any"].contains(&s.as_str()) => {
                out.push(s.clone())
            }
            _ => {}
        }
    }
    let mut names = Vec::new();
    refs(&document()["paths"], &mut names);
    refs(&document()["definitions"], &mut names);
    for n in names {
        assert!(defs.contains_key(&n), "{n}");
    }

    let amounts = |x: &str| serde_json::json!({"runningTotal": x, "discounts": "0.00", "credits": "0.00", "totalCost": x});
    let mut overview = amounts("12.50");
    overview["billedMonth"] = "2026-10".into();
    let bill = serde_json::json!({
        "overview": overview,
        "summaryByProject": {"projects": [], "otherCharges": []},
        "summaryByService": [],
    });
    let path = "/v1beta1/msp/mspCustomerBills/2026-10/mspCustomers/1";
    assert_eq!(departures("GET", path, 200, &bill), Vec::<String>::new());
    let mut cents = bill.clone();
    cents["overview"]["totalCost"] = 1250.into();
    assert!(
        !departures("GET", path, 200, &cents).is_empty(),
        "a number of cents"
    );
    let mut dropped = bill.clone();
    dropped.as_object_mut().unwrap().remove("summaryByProject");
    assert!(!departures("GET", path, 200, &dropped).is_empty());
    let msp = serde_json::json!({
        "overview": overview,
        "summaryByService": [],
        "summaryByCustomer": [{"customerID": "1", "mspCustomerBills": bill}],
    });
    let wrong = departures("GET", "/v1beta1/msp/bills/2026-10", 200, &msp);
    assert!(wrong.iter().any(|w| w.contains("customerID")), "{wrong:?}");
    let credits = serde_json::json!({"credits": []});
    assert!(!departures("GET", "/v1beta1/msp/credits", 200, &credits).is_empty());
    // The curl sample's path without the trailing slash is the same operation.
    assert!(departures("GET", "/v1beta1/msp/discounts", 200, &serde_json::json!([])).is_empty());
    let error =
        serde_json::json!({"code": "NotFound", "error": "x", "msgPrefix": "", "status": 404});
    assert!(departures("GET", "/v1beta1/msp/mspCustomers/1", 404, &error).is_empty());
    assert!(
        !departures(
            "GET",
            "/v1beta1/msp/mspCustomers/1",
            404,
            &serde_json::json!({})
        )
        .is_empty()
    );
}

/// The JSON type a schema of our document gives, following `$ref`, `allOf` and nullable types.
fn our_type(doc: &Value, schema: &Value) -> Option<String> {
    let s = partner_console::api::openapi::resolve(doc, schema);
    match &s["type"] {
        Value::String(t) => Some(t.clone()),
        Value::Array(ts) => ts
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null")
            .map(String::from),
        _ if s.get("allOf").is_some() || s.get("properties").is_some() => Some("object".into()),
        _ => None,
    }
}

/// A property of an object schema of our document, looking through `allOf`.
fn our_property<'a>(doc: &'a Value, schema: &'a Value, name: &str) -> Option<&'a Value> {
    let s = partner_console::api::openapi::resolve(doc, schema);
    s["properties"].get(name).or_else(|| {
        s["allOf"]
            .as_array()?
            .iter()
            .find_map(|part| our_property(doc, part, name))
    })
}

/// Where our schema for `t` would make a client generated from it read an answer differently
/// from one generated from the vendor's document.
fn schema_departures(
    doc: &Value,
    t: &Value,
    ours: &Value,
    at: &str,
    seen: &mut Vec<String>,
) -> Vec<String> {
    let mut out = Vec::new();
    match t {
        Value::Array(item) => {
            if our_type(doc, ours).as_deref() != Some("array") {
                return vec![format!("{at}: not an array in our document")];
            }
            let inner = &partner_console::api::openapi::resolve(doc, ours)["items"];
            out.extend(schema_departures(
                doc,
                &item[0],
                inner,
                &format!("{at}[]"),
                seen,
            ));
        }
        Value::String(name) => match name.as_str() {
            "any" => {}
            "string" | "number" | "integer" => {
                if our_type(doc, ours).as_deref() != Some(name) {
                    out.push(format!(
                        "{at}: {name} in the vendor's, {:?} in ours",
                        our_type(doc, ours)
                    ));
                }
            }
            definition => {
                if seen.contains(name) {
                    return out;
                }
                seen.push(name.clone());
                for (field, ft) in document()["definitions"][definition].as_object().unwrap() {
                    let here = format!("{at}.{field}");
                    let Some(prop) = our_property(doc, ours, field) else {
                        out.push(format!("{here}: missing from our document"));
                        continue;
                    };
                    let amount = AMOUNT_DEFINITIONS.contains(&definition)
                        && AMOUNT_FIELDS.contains(&field.as_str());
                    let want = if amount {
                        Value::from("string")
                    } else {
                        ft.clone()
                    };
                    out.extend(schema_departures(doc, &want, prop, &here, seen));
                }
                seen.pop();
            }
        },
        _ => unreachable!(),
    }
    out
}

#[test]
fn our_generated_document_describes_the_vendors_operations_and_types() {
    let ours = partner_console::api::msp::document();
    let base = document()["basePath"].as_str().unwrap();
    let mut want: Vec<String> = operations()
        .iter()
        .map(|(m, p)| format!("{m} {base}{p}"))
        .collect();
    let mut have: Vec<String> = ours["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(p, item)| {
            let methods: Vec<String> = item.as_object().unwrap().keys().cloned().collect();
            methods
                .into_iter()
                .map(move |m| format!("{} {p}", m.to_ascii_uppercase()))
        })
        .collect();
    want.sort();
    have.sort();
    assert_eq!(have, want, "the same seven operations at the same paths");

    for (method, path) in operations() {
        let op = &ours["paths"][format!("{base}{path}")][method.to_ascii_lowercase()];
        let t = &document()["paths"][&path][method.to_ascii_lowercase()]["200"];
        let schema = &op["responses"]["200"]["content"]["application/json"]["schema"];
        let wrong = schema_departures(
            ours,
            t,
            schema,
            &format!("{method} {path}"),
            &mut Vec::new(),
        );
        assert!(wrong.is_empty(), "{wrong:#?}");
    }
    // The amounts say what they mean, and `state` lists its real values.
    let amounts = &ours["components"]["schemas"]["Amounts"]["properties"];
    let said = |f: &str| {
        amounts[f]["description"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    };
    assert!(
        said("runningTotal").contains("before"),
        "{}",
        said("runningTotal")
    );
    assert!(said("totalCost").contains("owed"), "{}", said("totalCost"));
    assert_eq!(
        ours["components"]["schemas"]["CustomerState"]["enum"],
        serde_json::json!(["pending", "active", "suspended", "expired"])
    );
}
