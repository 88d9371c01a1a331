//! `/api/docs`: the OpenAPI document rendered once, on the server, as one plain HTML page (no
//! script, nothing fetched from elsewhere): every operation with its parameters, body and
//! answers, every schema with its fields, and the problems the API answers.

use app::escape_html as esc;
use serde_json::Value;
use std::fmt::Write as _;

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

fn schema_name(v: &Value) -> String {
    if let Some(r) = v.get("$ref").and_then(Value::as_str) {
        let name = r.rsplit('/').next().unwrap_or(r);
        return format!("<a href=\"#schema-{0}\">{0}</a>", esc(name));
    }
    if let Some(items) = v.get("items") {
        return format!("array of {}", schema_name(items));
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        if let Some(list) = v.get(key).and_then(Value::as_array) {
            let parts: Vec<String> = list.iter().map(schema_name).collect();
            return parts.join(" or ");
        }
    }
    match v.get("type") {
        Some(Value::String(t)) => esc(t),
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .map(esc)
            .collect::<Vec<_>>()
            .join(" or "),
        _ => "value".into(),
    }
}

fn content_schema(v: &Value) -> Option<(String, String)> {
    let content = v.get("content")?.as_object()?;
    let (media, body) = content.iter().next()?;
    Some((
        esc(media),
        body.get("schema").map(schema_name).unwrap_or_default(),
    ))
}

/// The page, made once at start from the document.
pub fn page(doc: &utoipa::openapi::OpenApi, site: &str) -> String {
    let doc = serde_json::to_value(doc).unwrap_or(Value::Null);
    let text = |v: &Value, k: &str| {
        v.get(k)
            .and_then(Value::as_str)
            .map(esc)
            .unwrap_or_default()
    };
    let mut h = String::from(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Carry API</title><style>\
         body{font-family:system-ui,sans-serif;max-width:60rem;margin:auto;padding:1rem;line-height:1.5;color:#0f172a}\
         code,pre{background:#f1f5f9;border-radius:4px;padding:0 .25rem}\
         h2{border-top:1px solid #e2e8f0;padding-top:1rem;margin-top:2rem}\
         .op{border:1px solid #e2e8f0;border-radius:8px;padding:.75rem 1rem;margin:1rem 0}\
         .m{font-weight:700;text-transform:uppercase;margin-right:.5rem;color:#0f766e}\
         table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:.25rem .5rem;border-bottom:1px solid #e2e8f0;vertical-align:top}\
         a{color:#0f766e}</style></head><body>",
    );
    let info = doc.get("info").cloned().unwrap_or(Value::Null);
    let _ = write!(
        h,
        "<h1>{} <small>{}</small></h1><p>{}</p>\
         <p>The machine-readable document: <a href=\"/api/v1/openapi.json\"><code>/api/v1/openapi.json</code></a> (OpenAPI {}).</p>\
         <p>Example: <code>curl -H 'Authorization: Bearer carry_…' {}/api/v1/trips?from=CDG&amp;to=LHR</code></p>",
        text(&info, "title"),
        text(&info, "version"),
        text(&info, "description"),
        text(&doc, "openapi"),
        esc(site)
    );
    h.push_str("<h2 id=\"operations\">Operations</h2>");
    if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            for m in METHODS {
                let Some(op) = item.get(m) else { continue };
                let _ = write!(
                    h,
                    "<div class=\"op\" id=\"{m}-{}\"><div><span class=\"m\">{m}</span><code>{}</code></div>",
                    esc(&path.replace(['/', '{', '}'], "-")),
                    esc(path)
                );
                let _ = write!(
                    h,
                    "<p>{}</p>",
                    text(op, "description").replace('\n', "<br>")
                );
                if let Some(sec) = op.get("security").and_then(Value::as_array) {
                    let scopes: Vec<String> = sec
                        .iter()
                        .filter_map(|s| s.get("bearer"))
                        .filter_map(Value::as_array)
                        .flatten()
                        .filter_map(Value::as_str)
                        .map(esc)
                        .collect();
                    let _ = write!(h, "<p>Scope: <code>{}</code></p>", scopes.join(", "));
                }
                if let Some(params) = op.get("parameters").and_then(Value::as_array) {
                    h.push_str(
                        "<table><tr><th>Parameter</th><th>In</th><th>Type</th><th>About</th></tr>",
                    );
                    for p in params {
                        let required = p.get("required").and_then(Value::as_bool).unwrap_or(false);
                        let _ = write!(
                            h,
                            "<tr><td><code>{}</code>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                            text(p, "name"),
                            if required { " (required)" } else { "" },
                            text(p, "in"),
                            p.get("schema").map(schema_name).unwrap_or_default(),
                            text(p, "description")
                        );
                    }
                    h.push_str("</table>");
                }
                if let Some((media, schema)) = op.get("requestBody").and_then(content_schema) {
                    let _ = write!(h, "<p>Body ({media}): {schema}</p>");
                }
                if let Some(resp) = op.get("responses").and_then(Value::as_object) {
                    h.push_str("<table><tr><th>Answer</th><th>What</th><th>Body</th></tr>");
                    for (status, r) in resp {
                        let body = content_schema(r)
                            .map(|(media, schema)| format!("{schema} ({media})"))
                            .unwrap_or_default();
                        let _ = write!(
                            h,
                            "<tr><td>{}</td><td>{}</td><td>{body}</td></tr>",
                            esc(status),
                            text(r, "description")
                        );
                    }
                    h.push_str("</table>");
                }
                h.push_str("</div>");
            }
        }
    }
    h.push_str(
        "<h2 id=\"problems\">Problems</h2><p>Every error is a problem (RFC 9457, \
         <code>application/problem+json</code>) with <code>type</code>, <code>title</code>, \
         <code>status</code>, <code>detail</code>, the <code>request_id</code> the server's logs \
         carry, and, for invalid input, <code>errors</code>: each field and what is wrong.</p><ul>",
    );
    for (kind, what) in [
        ("invalid", "422: input broke a rule; see errors"),
        ("bad-request", "400: the request could not be read"),
        (
            "unauthenticated",
            "401: no token, or a token that is not valid",
        ),
        (
            "forbidden",
            "403: the token lacks the scope, or the member may not",
        ),
        ("not-found", "404: nothing there, or not the caller's"),
        ("no-such-route", "404: the API has no such address"),
        (
            "conflict",
            "409: not now (already done, the wrong state, expired)",
        ),
        (
            "insufficient-funds",
            "402/409: the wallet is short; top it up on the site",
        ),
        ("too-many-requests", "429: wait Retry-After seconds"),
        ("internal", "500: our fault; quote the request id"),
    ] {
        let _ = write!(
            h,
            "<li id=\"problem-{kind}\"><code>{kind}</code>: {what}</li>"
        );
    }
    h.push_str(
        "</ul><h2 id=\"limits\">Rate limits and retries</h2><p>Each token may make a number of \
         requests a minute (600 by default). Every answer says where the token stands: \
         <code>RateLimit-Limit</code>, <code>RateLimit-Remaining</code>, <code>RateLimit-Reset</code> \
         (seconds); a 429 also has <code>Retry-After</code>. Requests that move money accept an \
         <code>Idempotency-Key</code> header (proposing a booking requires one): a retry with the \
         same key gets the first answer back (<code>Idempotent-Replayed: true</code>) and moves \
         nothing again.</p><h2 id=\"schemas\">Schemas</h2>",
    );
    if let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    {
        for (name, s) in schemas {
            let _ = write!(
                h,
                "<h3 id=\"schema-{0}\">{0}</h3><p>{1}</p>",
                esc(name),
                text(s, "description")
            );
            let required: Vec<&str> = s
                .get("required")
                .and_then(Value::as_array)
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            if let Some(props) = s.get("properties").and_then(Value::as_object) {
                h.push_str("<table><tr><th>Field</th><th>Type</th><th>About</th></tr>");
                for (field, p) in props {
                    let _ = write!(
                        h,
                        "<tr><td><code>{}</code>{}</td><td>{}</td><td>{}</td></tr>",
                        esc(field),
                        if required.contains(&field.as_str()) {
                            ""
                        } else {
                            " (optional)"
                        },
                        schema_name(p),
                        text(p, "description")
                    );
                }
                h.push_str("</table>");
            }
        }
    }
    h.push_str("</body></html>");
    h
}
