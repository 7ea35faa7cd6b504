//! The API's OpenAPI document as JSON, and the same document as a page people can read (our own
//! page, no third-party viewer): each operation with its parameters, body and answers, then each
//! type with its fields.

use askama::Template;
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use serde_json::Value;

use crate::error::Result;

/// `GET /api/openapi.json`
pub async fn spec() -> Response {
    match serde_json::to_string_pretty(super::openapi()) {
        Ok(text) => ([(header::CONTENT_TYPE, "application/json"), (header::CACHE_CONTROL, "no-cache")], text).into_response(),
        Err(e) => crate::error::AppError::Internal(format!("openapi: {e}")).into_response(),
    }
}

struct Field {
    name: String,
    kind: String,
    /// The schema it refers to, for a link.
    link: Option<String>,
    required: bool,
    description: String,
}

struct Operation {
    anchor: String,
    method: String,
    path: String,
    summary: String,
    description: String,
    params: Vec<(String, String, Field)>,
    body: Option<String>,
    responses: Vec<(String, String, Option<String>)>,
}

struct Section {
    name: String,
    description: String,
    operations: Vec<Operation>,
}

struct Schema {
    name: String,
    description: String,
    fields: Vec<Field>,
}

#[derive(Template)]
#[template(path = "api_docs.html")]
struct DocsPage {
    title: String,
    version: String,
    intro: Vec<String>,
    sections: Vec<Section>,
    schemas: Vec<Schema>,
}

fn ref_name(v: &Value) -> Option<String> {
    v.get("$ref").and_then(Value::as_str).and_then(|r| r.rsplit('/').next()).map(String::from)
}

/// A schema's type in a few words, and the named schema it refers to.
fn kind_of(v: &Value) -> (String, Option<String>) {
    if let Some(name) = ref_name(v) {
        return (name.clone(), Some(name));
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        if let Some(Value::Array(options)) = v.get(key) {
            let parts: Vec<(String, Option<String>)> = options.iter().map(kind_of).collect();
            let link = parts.iter().find_map(|(_, l)| l.clone());
            let text = parts.into_iter().map(|(t, _)| t).filter(|t| t != "null").collect::<Vec<_>>().join(" | ");
            return (text, link);
        }
    }
    let types: Vec<String> = match v.get("type") {
        Some(Value::String(t)) => vec![t.clone()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).filter(|t| *t != "null").map(String::from).collect(),
        _ => vec![],
    };
    let mut text = types.join(" | ");
    let mut link = None;
    if types.iter().any(|t| t == "array") {
        let (inner, l) = v.get("items").map(kind_of).unwrap_or_default();
        text = format!("{inner}[]");
        link = l;
    }
    if let Some(format) = v.get("format").and_then(Value::as_str) {
        text = format!("{text}（{format}）");
    }
    if text.is_empty() {
        text = "任意".into();
    }
    (text, link)
}

fn text(v: &Value, key: &str) -> String {
    v.get(key).and_then(Value::as_str).unwrap_or_default().to_string()
}

fn nullable(v: &Value) -> bool {
    matches!(v.get("type"), Some(Value::Array(ts)) if ts.iter().any(|t| t == "null"))
        || v.get("oneOf").and_then(Value::as_array).is_some_and(|o| o.iter().any(|x| x.get("type") == Some(&Value::from("null"))))
}

fn fields_of(schema: &Value) -> Vec<Field> {
    let required: Vec<&str> = schema.get("required").and_then(Value::as_array).map(|r| r.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
    let Some(Value::Object(props)) = schema.get("properties") else { return Vec::new() };
    props
        .iter()
        .map(|(name, p)| {
            let (kind, link) = kind_of(p);
            Field { name: name.clone(), kind, link, required: required.contains(&name.as_str()) && !nullable(p), description: text(p, "description") }
        })
        .collect()
}

fn view(doc: &Value) -> DocsPage {
    let info = &doc["info"];
    let mut sections: Vec<Section> = doc["tags"]
        .as_array()
        .map(|tags| tags.iter().map(|t| Section { name: text(t, "name"), description: text(t, "description"), operations: Vec::new() }).collect())
        .unwrap_or_default();
    if let Some(Value::Object(paths)) = doc.get("paths") {
        for (path, item) in paths {
            for method in ["get", "post", "patch", "put", "delete"] {
                let Some(op) = item.get(method) else { continue };
                let params = op["parameters"]
                    .as_array()
                    .map(|ps| {
                        ps.iter()
                            .map(|p| {
                                let (kind, link) = kind_of(&p["schema"]);
                                let place = match p["in"].as_str().unwrap_or_default() {
                                    "path" => "路径",
                                    "query" => "查询",
                                    "header" => "请求头",
                                    other => other,
                                };
                                (text(p, "name"), place.to_string(), Field { name: text(p, "name"), kind, link, required: p["required"].as_bool().unwrap_or(false), description: text(p, "description") })
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                let body = op["requestBody"]["content"]["application/json"]["schema"].as_object().and_then(|_| ref_name(&op["requestBody"]["content"]["application/json"]["schema"]));
                let responses = op["responses"]
                    .as_object()
                    .map(|rs| {
                        rs.iter()
                            .map(|(status, r)| {
                                let schema = r["content"].as_object().and_then(|c| c.values().next()).map(|c| c["schema"].clone()).unwrap_or(Value::Null);
                                (status.clone(), text(r, "description"), ref_name(&schema))
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                let tag = op["tags"].get(0).and_then(Value::as_str).unwrap_or("其他").to_string();
                let description = text(op, "description");
                let summary = text(op, "summary");
                let operation = Operation {
                    anchor: format!("{method}-{}", path.replace(['/', '{', '}'], "-")),
                    method: method.to_uppercase(),
                    path: path.clone(),
                    summary,
                    description,
                    params,
                    body,
                    responses,
                };
                match sections.iter_mut().find(|s| s.name == tag) {
                    Some(s) => s.operations.push(operation),
                    None => sections.push(Section { name: tag, description: String::new(), operations: vec![operation] }),
                }
            }
        }
    }
    let schemas = doc["components"]["schemas"]
        .as_object()
        .map(|all| all.iter().map(|(name, s)| Schema { name: name.clone(), description: text(s, "description"), fields: fields_of(s) }).collect())
        .unwrap_or_default();
    DocsPage {
        title: text(info, "title"),
        version: text(info, "version"),
        intro: text(info, "description").split("\n\n").map(String::from).collect(),
        sections,
        schemas,
    }
}

/// `GET /api/docs`
pub async fn page() -> Result<Html<String>> {
    let doc = serde_json::to_value(super::openapi()).map_err(|e| crate::error::AppError::Internal(format!("openapi: {e}")))?;
    Ok(Html(view(&doc).render()?))
}

/// Light inline markup of the descriptions: `code` and **bold**, on escaped text.
pub fn markup(text: &str) -> String {
    let escaped = crate::views::escape(text);
    let mut out = String::new();
    for (i, part) in escaped.split('`').enumerate() {
        if i % 2 == 1 {
            out.push_str(&format!("<code>{part}</code>"));
        } else {
            for (j, bit) in part.split("**").enumerate() {
                if j % 2 == 1 {
                    out.push_str(&format!("<strong>{bit}</strong>"));
                } else {
                    out.push_str(bit);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_escapes_first() {
        assert_eq!(markup("a `<b>` **c**"), "a <code>&lt;b&gt;</code> <strong>c</strong>");
    }

    #[test]
    fn every_operation_is_on_the_page() {
        let doc = serde_json::to_value(crate::api::openapi()).unwrap();
        let page = view(&doc);
        let shown: usize = page.sections.iter().map(|s| s.operations.len()).sum();
        assert_eq!(shown, crate::api::operations().len());
        assert!(page.schemas.iter().any(|s| s.name == "Project" && s.fields.iter().any(|f| f.name == "stage")));
    }
}
