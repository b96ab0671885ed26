//! Reads an OpenAPI document (as served) into what the console's Support page shows: each
//! operation with its parameters, request and response fields, errors and a ready
//! `curl --digest` line. Pure: the page's handler supplies the host, key and example values.

use serde_json::Value;

use super::openapi::resolve;

#[derive(Debug, Clone)]
pub struct ApiDoc {
    pub title: String,
    pub version: String,
    pub description: String,
    pub operations: Vec<Operation>,
}

#[derive(Debug, Clone)]
pub struct Operation {
    /// For in-page links: `getBill`.
    pub id: String,
    /// The document's first tag for it (`Billing`, `Signup links`), `""` without one.
    pub tag: String,
    pub method: String,
    pub path: String,
    pub summary: String,
    pub description: String,
    pub params: Vec<Field>,
    pub body: Vec<Field>,
    pub success: String,
    pub fields: Vec<Field>,
    /// Status and when it happens, in status order.
    pub errors: Vec<(String, String)>,
    pub curl: String,
}

/// Documentation text as HTML: escaped, with `backticked` spans as code, as the doc comments
/// the documents come from write them.
pub fn text_html(s: &str) -> String {
    let escape = |t: &str| {
        t.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
            .replace('\'', "&#39;")
    };
    let parts: Vec<&str> = s.split('`').collect();
    // An odd number of backticks leaves the last one unpaired: it stays text.
    let unpaired = parts.len().is_multiple_of(2);
    let mut out = String::with_capacity(s.len() + 16);
    for (i, part) in parts.iter().enumerate() {
        if unpaired && i == parts.len() - 1 {
            out.push('`');
            out.push_str(&escape(part));
        } else if i % 2 == 1 {
            out.push_str(&format!("<code>{}</code>", escape(part)));
        } else {
            out.push_str(&escape(part));
        }
    }
    out
}

impl Operation {
    pub fn description_html(&self) -> String {
        text_html(&self.description)
    }
}

impl Field {
    pub fn description_html(&self) -> String {
        text_html(&self.description)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// Dotted for nested fields, `[]` for array items: `summaryByService[].serviceName`.
    pub name: String,
    pub kind: String,
    pub required: bool,
    pub description: String,
}

/// What the examples are filled in with.
pub struct Examples<'a> {
    pub base_url: &'a str,
    /// `PUBLIC:PRIVATE` as the partner would type it.
    pub user: &'a str,
    /// Values for path parameters by name (`billedMonth`, `customerOrgId`...).
    pub path_values: &'a [(&'a str, String)],
}

pub fn read(doc: &Value, ex: &Examples) -> ApiDoc {
    let text = |v: &Value| v.as_str().unwrap_or_default().to_string();
    let mut operations = Vec::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for (method, op) in item.as_object().into_iter().flatten() {
            operations.push(operation(doc, path, method, op, ex));
        }
    }
    // Reads first, then writes; within each, by path.
    operations.sort_by_key(|o| (o.method != "GET", o.path.clone(), o.method.clone()));
    ApiDoc {
        title: text(&doc["info"]["title"]),
        version: text(&doc["info"]["version"]),
        description: text(&doc["info"]["description"]),
        operations,
    }
}

fn operation(doc: &Value, path: &str, method: &str, op: &Value, ex: &Examples) -> Operation {
    let text = |v: &Value| v.as_str().unwrap_or_default().to_string();
    let params: Vec<Field> = op["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| Field {
            name: text(&p["name"]),
            kind: format!("{} · {}", text(&p["in"]), kind(doc, &p["schema"])),
            required: p["required"].as_bool().unwrap_or(false),
            description: text(&p["description"]),
        })
        .collect();
    let body_schema = &op["requestBody"]["content"]["application/json"]["schema"];
    let mut body = Vec::new();
    if !body_schema.is_null() {
        flatten(doc, body_schema, "", &mut body, &[]);
    }
    let mut success = String::new();
    let mut fields = Vec::new();
    let mut errors = Vec::new();
    for (status, answer) in op["responses"].as_object().into_iter().flatten() {
        let answer = resolve(doc, answer);
        if status.starts_with('2') {
            success = status.clone();
            let schema = &answer["content"]["application/json"]["schema"];
            flatten(doc, schema, "", &mut fields, &[]);
        } else {
            errors.push((status.clone(), text(&answer["description"])));
        }
    }
    errors.sort();
    let mut url = format!("{}{}", ex.base_url, path);
    for (name, value) in ex.path_values {
        url = url.replace(&format!("{{{name}}}"), value);
    }
    let method = method.to_ascii_uppercase();
    let mut curl = format!("curl --digest --user '{}'", ex.user);
    if method != "GET" {
        curl.push_str(&format!(" -X {method}"));
    }
    if !body_schema.is_null() {
        let example = example_body(doc, body_schema);
        curl.push_str(&format!(
            " -H 'Content-Type: application/json' -d '{example}'"
        ));
    }
    curl.push_str(&format!(" '{url}'"));
    Operation {
        id: text(&op["operationId"]),
        tag: text(&op["tags"][0]),
        method,
        path: path.to_string(),
        summary: text(&op["summary"]).trim_end_matches('.').to_string(),
        description: text(&op["description"]),
        params,
        body,
        success,
        fields,
        errors,
        curl,
    }
}

/// The schema itself, or for an optional one (`oneOf` with `null`) the schema of its value.
fn concrete<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    let schema = resolve(doc, schema);
    let variants = schema
        .get("oneOf")
        .or(schema.get("anyOf"))
        .and_then(Value::as_array);
    match variants.and_then(|vs| vs.iter().find(|v| v["type"] != "null")) {
        Some(v) => resolve(doc, v),
        None => schema,
    }
}

/// A short type name: `string`, `integer or null`, `array of Credit`, and for the named string
/// formats (`api::formats`) `string: Amount`.
fn kind(doc: &Value, schema: &Value) -> String {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let name = r.rsplit('/').next().unwrap_or("object");
        return match resolve(doc, schema)["type"].as_str() {
            Some(t) if t != "object" => format!("{t}: {name}"),
            _ => name.to_string(),
        };
    }
    let schema = resolve(doc, schema);
    let base = match &schema["type"] {
        Value::String(t) => t.clone(),
        Value::Array(ts) => ts
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(" or "),
        _ if schema.get("allOf").is_some() || schema.get("oneOf").is_some() => "object".into(),
        _ => "any JSON value".into(),
    };
    if base == "array" {
        return format!("array of {}", kind(doc, &schema["items"]));
    }
    base
}

/// Lists an object's fields, nested ones with dotted names, so the page can show one table. A
/// schema met again inside itself (a bill's `serviceCosts`) is listed once, not unrolled.
fn flatten(doc: &Value, schema: &Value, prefix: &str, out: &mut Vec<Field>, within: &[&str]) {
    let here = schema.get("$ref").and_then(Value::as_str);
    if here.is_some_and(|r| within.contains(&r)) || within.len() > 6 {
        return;
    }
    let within: Vec<&str> = within.iter().copied().chain(here).collect();
    let within = within.as_slice();
    let schema = concrete(doc, schema);
    if schema["type"] == "array" {
        flatten(doc, &schema["items"], &format!("{prefix}[]."), out, within);
        return;
    }
    for part in schema["allOf"].as_array().into_iter().flatten() {
        flatten(doc, part, prefix, out, within);
    }
    let required: Vec<&str> = schema["required"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    for (name, prop) in schema["properties"].as_object().into_iter().flatten() {
        let full = format!("{prefix}{name}");
        let target = resolve(doc, prop);
        out.push(Field {
            name: full.clone(),
            kind: kind(doc, prop),
            required: required.contains(&name.as_str()),
            description: prop["description"]
                .as_str()
                .or(target["description"].as_str())
                .unwrap_or_default()
                .to_string(),
        });
        if target["type"] == "array" {
            flatten(doc, &target["items"], &format!("{full}[]."), out, within);
        } else if target.get("properties").is_some() || target.get("allOf").is_some() {
            flatten(doc, prop, &format!("{full}."), out, within);
        }
    }
}

/// An example request body from the schema's own examples.
fn example_body(doc: &Value, schema: &Value) -> String {
    let schema = concrete(doc, schema);
    let mut out = serde_json::Map::new();
    for (name, prop) in schema["properties"].as_object().into_iter().flatten() {
        if let Some(example) = prop
            .get("examples")
            .and_then(|e| e.get(0))
            .or(prop.get("example"))
        {
            out.insert(name.clone(), example.clone());
        }
    }
    Value::Object(out).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backticks_become_code_and_the_rest_is_escaped() {
        assert_eq!(
            text_html("`YYYY-MM` <b> & \"x\""),
            "<code>YYYY-MM</code> &lt;b&gt; &amp; &quot;x&quot;"
        );
        assert_eq!(text_html("a `b` c `d"), "a <code>b</code> c `d");
        assert_eq!(text_html("plain"), "plain");
    }

    #[test]
    fn every_operation_reads_with_fields_errors_and_a_curl_line() {
        let values = [("billedMonth", "2026-11".to_string())];
        let ex = Examples {
            base_url: "https://console.example",
            user: "PUB:PRIV",
            path_values: &values,
        };
        let doc = read(crate::api::msp::document(), &ex);
        assert_eq!(doc.operations.len(), 7);
        let bill = doc.operations.iter().find(|o| o.id == "getBill").unwrap();
        assert_eq!(
            bill.curl,
            "curl --digest --user 'PUB:PRIV' 'https://console.example/v1beta1/msp/bills/2026-11'"
        );
        let names: Vec<&str> = bill.fields.iter().map(|f| f.name.as_str()).collect();
        for want in [
            "overview.billedMonth",
            "overview.totalCost",
            "summaryByCustomer[].customerOrgId",
            "summaryByCustomer[].customerID",
            "summaryByCustomer[].mspCustomerBills.summaryByProject.otherCharges[].chargeName",
            "summaryByService[].serviceCosts",
            "summaryByService[].clusterName",
        ] {
            assert!(names.contains(&want), "{want} in {names:?}");
        }
        let total = bill
            .fields
            .iter()
            .find(|f| f.name == "overview.totalCost")
            .unwrap();
        assert_eq!(total.kind, "string: Amount");
        assert_eq!(bill.params[0].kind, "path · string: YearMonth");
        let statuses: Vec<&str> = bill.errors.iter().map(|e| e.0.as_str()).collect();
        assert_eq!(statuses, ["400", "401", "403", "429"]);

        let v1 = read(crate::api::v1::document(), &ex);
        let create = v1
            .operations
            .iter()
            .find(|o| o.id == "createSignupLink")
            .unwrap();
        assert!(
            create
                .curl
                .contains("-X POST -H 'Content-Type: application/json' -d '{")
        );
        assert!(create.body.iter().any(|f| f.name == "expiresInDays"));
        assert_eq!(v1.operations[0].method, "GET");
    }
}
