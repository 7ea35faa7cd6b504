//! Quick entry of a follow-up from a phone (记一笔): find the company, pick the kind, say what
//! happened and what comes next, attach photos. A resend after lost signal is recognised by its
//! client key and not saved twice. Also: marking next steps done, and serving attachments.

use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::NaiveDate;

use domain::access::{Access, Owner};
use domain::target::FollowUpKind;
use store::StoreError;
use store::entities::enterprise;
use store::follow_ups::{NewAttachment, NewFollowUp};

use crate::auth::CurrentUser;
use crate::error::{AppError, Result};
use crate::forms::{FormData, Query, parse_id};
use crate::routes::enterprises::may_edit_companies;
use crate::views::Page;
use crate::AppState;

/// Per file and per follow-up limits; photos from phones are a few MB.
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;
pub const MAX_FILES: usize = 9;

pub fn kind_label(code: &str) -> &'static str {
    FollowUpKind::parse(code).map_or("对接", FollowUpKind::label)
}

#[derive(Template)]
#[template(path = "followup_new.html")]
struct QuickEntry {
    page: Page,
    q: String,
    choices: Vec<enterprise::Model>,
    enterprise: Option<enterprise::Model>,
    target_id: String,
    kinds: Vec<(&'static str, &'static str)>,
    form: FormData,
    today: String,
    client_key: String,
    error: Option<String>,
    others: Vec<store::targets::OtherUnit>,
}

async fn render(state: &AppState, user: &CurrentUser, enterprise: Option<enterprise::Model>, form: FormData, q: String, error: Option<String>) -> Result<Response> {
    let choices = if enterprise.is_none() && !q.is_empty() { state.store.find_enterprises(&q, user.actor.visibility(), 20).await? } else { Vec::new() };
    let others = match &enterprise {
        Some(e) => state.store.engagements(e.id).await?.into_iter().filter(|o| o.unit_id != user.unit.id).collect(),
        None => Vec::new(),
    };
    let client_key = match form.get("client_key") {
        k if k.is_empty() => store::passwords::random_token()[..32].to_string(),
        k => k,
    };
    let page = QuickEntry {
        page: Page::new(state, user, "记一笔", "followup"),
        q,
        choices,
        target_id: form.get("target_id"),
        enterprise,
        kinds: FollowUpKind::options(),
        today: chrono::Utc::now().date_naive().to_string(),
        client_key,
        form,
        error,
        others,
    };
    Ok(Html(page.render()?).into_response())
}

pub(crate) fn require_writer(user: &CurrentUser) -> Result<()> {
    if may_edit_companies(user) { Ok(()) } else { Err(AppError::denied("您的角色不能记录对接", "create", "follow_up", "")) }
}

pub async fn new_page(State(state): State<AppState>, user: CurrentUser, Query(q): Query) -> Result<Response> {
    require_writer(&user)?;
    let enterprise = match q.id("enterprise_id", "企业")? {
        Some(id) => Some(state.store.enterprise(id).await?),
        None => None,
    };
    let mut form = FormData::default();
    if let Some(t) = q.id("target_id", "目标企业")? {
        form.0.push(("target_id".into(), t.to_string()));
    }
    if let Some(p) = q.id("project_id", "项目")? {
        form.0.push(("project_id".into(), p.to_string()));
    }
    render(&state, &user, enterprise, form, q.get("q"), None).await
}

/// Reads the multipart form: text fields, and files checked by their content, not their name.
pub(crate) async fn read_form(multipart: Multipart) -> Result<(FormData, Vec<NewAttachment>)> {
    let (form, files) = read_form_named(multipart).await?;
    Ok((form, files.into_iter().map(|(_, f)| f).collect()))
}

/// Like `read_form`, with the field each file came in (`files`, or `files_<what>` when a form
/// collects evidence for several things at once).
pub(crate) async fn read_form_named(mut multipart: Multipart) -> Result<(FormData, Vec<(String, NewAttachment)>)> {
    let mut fields = Vec::new();
    let mut files = Vec::new();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(_) => return Err(AppError::BadRequest("上传中断或文件过大（每个文件不超过 10 MB），请重试".into())),
        };
        let name = field.name().unwrap_or_default().to_string();
        if name == "files" || name.starts_with("files_") {
            let file_name = field.file_name().unwrap_or("附件").to_string();
            let data = field.bytes().await.map_err(|_| AppError::BadRequest("上传中断或文件过大（每个文件不超过 10 MB），请重试".into()))?;
            if data.is_empty() {
                continue;
            }
            if data.len() > MAX_FILE_BYTES {
                return Err(AppError::BadRequest(format!("「{file_name}」超过 10 MB")));
            }
            let content_type = sniff(&data).ok_or_else(|| AppError::BadRequest(format!("「{file_name}」不是支持的文件类型（照片 JPG/PNG/WebP/HEIC，或 PDF、Word、Excel）")))?;
            files.push((name, NewAttachment { file_name, content_type: content_type.to_string(), data: data.to_vec() }));
            if files.len() > MAX_FILES {
                return Err(AppError::BadRequest(format!("一次最多上传 {MAX_FILES} 个文件")));
            }
        } else {
            let text = field.text().await.map_err(|_| AppError::BadRequest("表单内容无法识别".into()))?;
            if text.contains('\0') || name.contains('\0') {
                return Err(AppError::BadRequest(crate::forms::NUL_MESSAGE.into()));
            }
            fields.push((name, text));
        }
    }
    Ok((FormData(fields), files))
}

/// The file's type from its first bytes; anything else (HTML, scripts, executables) is refused.
pub fn sniff(data: &[u8]) -> Option<&'static str> {
    let starts = |magic: &[u8]| data.starts_with(magic);
    if starts(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if starts(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if data.len() > 12 && starts(b"RIFF") && &data[8..12] == b"WEBP" {
        Some("image/webp")
    } else if data.len() > 12 && &data[4..8] == b"ftyp" && [b"heic", b"heix", b"mif1", b"heim"].iter().any(|b| &data[8..12] == *b) {
        Some("image/heic")
    } else if starts(b"%PDF-") {
        Some("application/pdf")
    } else if starts(b"PK\x03\x04") {
        // Word and Excel files are zip packages; served only as downloads.
        Some("application/zip")
    } else {
        None
    }
}

pub(crate) fn parse_input(form: &FormData, enterprise_id: i64) -> Result<NewFollowUp> {
    let happened_on = match form.get("happened_on") {
        v if v.is_empty() => chrono::Utc::now().date_naive(),
        v => NaiveDate::parse_from_str(&v, "%Y-%m-%d").map_err(|_| AppError::BadRequest("「日期」应为 2026-11-27 这样的日期".into()))?,
    };
    let next_due = match form.get("next_due") {
        v if v.is_empty() => None,
        v => Some(NaiveDate::parse_from_str(&v, "%Y-%m-%d").map_err(|_| AppError::BadRequest("「下一步期限」应为 2026-11-27 这样的日期".into()))?),
    };
    let kind = FollowUpKind::parse(&form.get("kind")).ok_or_else(|| AppError::BadRequest("请选择对接方式".into()))?;
    let coordinate = |name: &str| -> Result<Option<i64>> {
        match form.get(name) {
            v if v.is_empty() => Ok(None),
            v => coordinate(&v).map(Some),
        }
    };
    Ok(NewFollowUp {
        enterprise_id,
        target_id: form.id("target_id", "目标企业")?,
        project_id: form.id("project_id", "项目")?,
        happened_on,
        kind,
        place: form.get("place"),
        latitude_e6: coordinate("latitude")?,
        longitude_e6: coordinate("longitude")?,
        participants: form.get("participants"),
        summary: form.get("summary"),
        next_step: form.get("next_step"),
        next_due,
        client_key: form.get("client_key"),
    })
}

/// A coordinate typed in degrees ("33.067321") as millionths of a degree, without floating point.
pub(crate) fn coordinate(v: &str) -> Result<i64> {
    let bad = || AppError::BadRequest("位置坐标无效".into());
    let (int, frac) = v.split_once('.').unwrap_or((v, ""));
    if frac.len() > 9 || !frac.chars().all(|c| c.is_ascii_digit()) {
        return Err(bad());
    }
    let frac: String = format!("{frac:0<6}").chars().take(6).collect();
    let negative = int.starts_with('-');
    let int: i64 = int.trim_start_matches('-').parse().map_err(|_| bad())?;
    let frac: i64 = frac.parse().map_err(|_| bad())?;
    let value = int.checked_mul(1_000_000).and_then(|i| i.checked_add(frac)).ok_or_else(bad)?;
    Ok(if negative { -value } else { value })
}

/// The target and project a follow-up is filed under must be ones the user may change.
pub(crate) async fn check_links(state: &AppState, user: &CurrentUser, input: &NewFollowUp) -> Result<()> {
    if let Some(target_id) = input.target_id {
        let target = state.store.target(target_id).await?;
        let leads = state.store.target_chain_leads(target_id).await?;
        let chain_lead = leads.into_iter().find(|l| *l == user.unit.id);
        user.may(Access::Write, Owner { unit_id: target.owner_unit_id, chain_lead_unit_id: chain_lead }, "target", target_id)?;
    }
    if let Some(project_id) = input.project_id {
        let p = state.store.project(project_id).await?;
        crate::routes::projects::check(state, user, &p, Access::Write).await?;
    }
    Ok(())
}

pub async fn create(State(state): State<AppState>, user: CurrentUser, multipart: Multipart) -> Result<Response> {
    require_writer(&user)?;
    let (form, files) = match read_form(multipart).await {
        Ok(v) => v,
        Err(AppError::BadRequest(m)) => return render(&state, &user, None, FormData::default(), String::new(), Some(m)).await,
        Err(e) => return Err(e),
    };
    let enterprise_id = form.id("enterprise_id", "企业")?.ok_or_else(|| AppError::BadRequest("请先选择企业".into()))?;
    let enterprise = state.store.enterprise(enterprise_id).await?;
    let input = match parse_input(&form, enterprise_id) {
        Ok(i) => i,
        Err(AppError::BadRequest(m)) => return render(&state, &user, Some(enterprise), form, String::new(), Some(m)).await,
        Err(e) => return Err(e),
    };
    check_links(&state, &user, &input).await?;
    match state.store.create_follow_up(&user.who(), user.user.id, user.unit.id, &input, files).await {
        Ok((saved, fresh)) => {
            let done = if fresh { "followup" } else { "followup_again" };
            let back = match (saved.project_id, saved.target_id) {
                (Some(p), _) if input.project_id.is_some() => format!("/projects/{p}?done={done}"),
                (_, Some(t)) if input.target_id.is_some() => format!("/targets/{t}?done={done}"),
                _ => format!("/enterprises/{}?done={done}", saved.enterprise_id),
            };
            Ok(Redirect::to(&back).into_response())
        }
        Err(StoreError::Invalid(m)) => render(&state, &user, Some(enterprise), form, String::new(), Some(m)).await,
        Err(e) => Err(e.into()),
    }
}

pub async fn mark_done(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>) -> Result<Response> {
    let id = parse_id(&id)?;
    let f = state.store.follow_up(id).await?;
    if f.user_id != user.user.id {
        user.may(Access::Write, Owner::unit(f.unit_id), "follow_up", id)?;
    }
    state.store.mark_next_step_done(&user.who(), id).await?;
    Ok(Redirect::to("/?done=done").into_response())
}

/// Attachments go only to those who may read their follow-up; never rendered as a page.
pub async fn attachment(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>) -> Result<Response> {
    let id = parse_id(&id)?;
    let a = state.store.attachment(id).await?;
    user.may(Access::Read, Owner::unit(a.unit_id), "attachment", id)?;
    Ok(serve_file(&a.file_name, &a.content_type, a.data))
}

/// A stored file as a download (images inline), sandboxed so that nothing in it runs.
pub(crate) fn serve_file(file_name: &str, content_type: &str, data: Vec<u8>) -> Response {
    let inline = content_type.starts_with("image/");
    let ascii_name: String = file_name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '.' { c } else { '_' }).collect();
    let disposition = format!(
        "{}; filename=\"{ascii_name}\"; filename*=UTF-8''{}",
        if inline { "inline" } else { "attachment" },
        crate::forms::url_encode(file_name)
    );
    let content_type = if inline { content_type.to_string() } else { "application/octet-stream".to_string() };
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "private, max-age=3600".to_string()),
            (header::CONTENT_SECURITY_POLICY, "default-src 'none'; sandbox".to_string()),
        ],
        data,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniff_table() {
        let cases: &[(&[u8], Option<&str>)] = &[
            (b"\xFF\xD8\xFF\xE0rest", Some("image/jpeg")),
            (b"\x89PNG\r\n\x1a\nrest", Some("image/png")),
            (b"RIFF\x00\x00\x00\x00WEBPVP8 ", Some("image/webp")),
            (b"\x00\x00\x00\x18ftypheic\x00\x00", Some("image/heic")),
            (b"%PDF-1.7", Some("application/pdf")),
            (b"PK\x03\x04", Some("application/zip")),
            (b"<html><script>alert(1)</script>", None),
            (b"MZ\x90\x00", None),
            (b"", None),
        ];
        for (data, expected) in cases {
            assert_eq!(sniff(data), *expected, "{data:?}");
        }
    }
}
