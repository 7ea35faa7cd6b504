//! Projects from lead to statistics: the register, stage moves, site checks, funds in place and
//! the investors' requests.

use axum::Json;
use axum::extract::{Path, State};
use axum::response::Response;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use domain::access::{Access, Owner, Power};
use domain::project::{RequestStatus, Stage, State as ProjectState};
use store::entities::{funds_report, project};
use store::projects::{ProjectRow, QueueItem};
use store::services::RequestRow;

use super::{Body, Cursor, Errors, Paging, created, date_text, form_from, list_of, overlay, version_in};
use crate::auth::CurrentUser;
use crate::error::{AppError, Result};
use crate::forms::{Query, parse_id};
use crate::routes::projects as page;
use crate::routes::{requests as request_page, verifications as verification_page};
use crate::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct Project {
    pub id: i64,
    /// 项目编号
    pub code: String,
    /// 项目名称；保密项目在其单位和市局以外显示代号
    pub name: String,
    pub confidential: bool,
    /// 投资方企业 id（保密项目在其单位和市局以外为 null）
    pub enterprise_id: Option<i64>,
    pub investor: String,
    pub investor_uscc: Option<String>,
    pub target_id: Option<i64>,
    pub chain_id: Option<i64>,
    pub chain: String,
    pub link_id: Option<i64>,
    pub industry_code: String,
    /// new（新建）/ expansion（扩建）/ upgrade（技术改造）
    pub kind: String,
    pub follow_on: bool,
    /// 总投资，万元的百分之一
    pub total_wan: i64,
    pub fixed_wan: i64,
    pub planned_jobs: Option<i32>,
    pub planned_output_wan: Option<i64>,
    pub planned_tax_wan: Option<i64>,
    pub source_channel: String,
    pub source_unit_id: i64,
    pub source_unit: String,
    pub landing_unit_id: i64,
    pub landing_unit: String,
    pub owner_user_id: Option<i64>,
    pub contract_kind: String,
    pub contract_wan: Option<i64>,
    /// lead / negotiating / signed / started / operating / in_statistics
    pub stage: String,
    pub stage_label: String,
    /// active / suspended / dropped
    pub state: String,
    #[schema(format = Date)]
    pub stage_on: String,
    #[schema(format = Date)]
    pub lead_on: Option<String>,
    #[schema(format = Date)]
    pub negotiating_on: Option<String>,
    #[schema(format = Date)]
    pub signed_on: Option<String>,
    #[schema(format = Date)]
    pub started_on: Option<String>,
    #[schema(format = Date)]
    pub operating_on: Option<String>,
    #[schema(format = Date)]
    pub in_statistics_on: Option<String>,
    /// 各阶段核查结果：not_needed / pending / approved / rejected
    pub signed_verification: String,
    pub started_verification: String,
    pub operating_verification: String,
    pub in_statistics_verification: String,
    pub statistics_ref: String,
    #[schema(format = Date)]
    pub planned_start_on: Option<String>,
    #[schema(format = Date)]
    pub planned_operation_on: Option<String>,
    pub funds_plan_wan: i64,
    /// 经核查的到位资金合计
    pub funds_verified_wan: i64,
    /// 是否符合认定条件
    pub eligible: bool,
    pub eligibility_rule: String,
    /// none / pending / keep_both / shared / merged
    pub duplicate: String,
    /// green / amber / red / idle
    pub health: String,
    pub health_reasons: Vec<String>,
    pub note: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
    pub version: i32,
}

/// A project as this viewer may see it: a confidential one shows its codename and no investor
/// outside its units and the bureau.
fn project_of(row: ProjectRow, user: &CurrentUser) -> Project {
    let p: project::Model = row.project;
    let real = !p.confidential || page::sees_real_names(user) || p.landing_unit_id == user.unit.id || p.source_unit_id == user.unit.id;
    Project {
        id: p.id,
        name: page::shown_name(&p, &real),
        code: p.code,
        confidential: p.confidential,
        enterprise_id: real.then_some(p.enterprise_id),
        investor: if real { row.investor } else { "（保密）".into() },
        investor_uscc: if real && !row.investor_uscc.is_empty() { Some(row.investor_uscc) } else { None },
        target_id: if real { p.target_id } else { None },
        chain_id: p.chain_id,
        chain: row.chain,
        link_id: p.link_id,
        industry_code: p.industry_code,
        kind: p.kind,
        follow_on: p.follow_on,
        total_wan: p.total_wan,
        fixed_wan: p.fixed_wan,
        planned_jobs: p.planned_jobs,
        planned_output_wan: p.planned_output_wan,
        planned_tax_wan: p.planned_tax_wan,
        source_channel: p.source_channel,
        source_unit_id: p.source_unit_id,
        source_unit: row.source_unit,
        landing_unit_id: p.landing_unit_id,
        landing_unit: row.landing_unit,
        owner_user_id: p.owner_user_id,
        contract_kind: p.contract_kind,
        contract_wan: p.contract_wan,
        stage_label: page::stage_label(&p.stage).to_string(),
        stage: p.stage,
        state: p.state,
        stage_on: p.stage_on.to_string(),
        lead_on: date_text(p.lead_on),
        negotiating_on: date_text(p.negotiating_on),
        signed_on: date_text(p.signed_on),
        started_on: date_text(p.started_on),
        operating_on: date_text(p.operating_on),
        in_statistics_on: date_text(p.in_statistics_on),
        signed_verification: p.signed_verification,
        started_verification: p.started_verification,
        operating_verification: p.operating_verification,
        in_statistics_verification: p.in_statistics_verification,
        statistics_ref: p.statistics_ref,
        planned_start_on: date_text(p.planned_start_on),
        planned_operation_on: date_text(p.planned_operation_on),
        funds_plan_wan: p.funds_plan_wan,
        funds_verified_wan: p.funds_verified_wan,
        eligible: p.eligible,
        eligibility_rule: p.eligibility_rule,
        duplicate: p.duplicate,
        health: p.health,
        health_reasons: p.health_reasons.lines().filter(|l| !l.trim().is_empty()).map(String::from).collect(),
        note: if real { p.note } else { String::new() },
        created_at: p.created_at,
        updated_at: p.updated_at,
        version: p.version,
    }
}

list_of!(ProjectList, Project);

/// A project's fields as on the page's form (amounts written as on the page: 「5000」「1.2亿」).
/// POST needs name, enterprise_id, landing_unit_id and source_unit_id; PATCH changes the fields
/// given and needs `version`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct ProjectWrite {
    pub name: Option<String>,
    pub codename: Option<String>,
    pub confidential: Option<bool>,
    /// 投资方企业 id
    pub enterprise_id: Option<i64>,
    pub chain_id: Option<i64>,
    pub link_id: Option<i64>,
    pub industry_code: Option<String>,
    pub kind: Option<String>,
    pub follow_on: Option<bool>,
    /// 总投资（万元），如「50000」或「5亿」
    pub total_wan: Option<String>,
    pub fixed_wan: Option<String>,
    pub planned_jobs: Option<i32>,
    pub planned_output_wan: Option<String>,
    pub planned_tax_wan: Option<String>,
    pub source_channel: Option<String>,
    pub source_unit_id: Option<i64>,
    pub landing_unit_id: Option<i64>,
    pub owner_user_id: Option<i64>,
    pub contract_kind: Option<String>,
    pub contract_wan: Option<String>,
    #[schema(format = Date)]
    pub planned_start_on: Option<String>,
    #[schema(format = Date)]
    pub planned_operation_on: Option<String>,
    pub funds_plan_wan: Option<String>,
    /// 计划全部到位月份，如 2027-06
    pub funds_plan_by: Option<String>,
    pub note: Option<String>,
    /// 来自本单位的目标企业（仅新建）
    pub target_id: Option<i64>,
    /// 来自招商活动（仅新建）
    pub event_id: Option<i64>,
    /// 线索日期（仅新建，默认今天）
    #[schema(format = Date)]
    pub lead_on: Option<String>,
    /// 与其他单位的项目疑似重复时仍要登记（仅新建）
    pub confirm_duplicate: Option<bool>,
    pub version: Option<i32>,
}

/// Moving a project to a stage.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct AdvanceWrite {
    /// 推进到的阶段：negotiating / signed / started / operating / in_statistics
    pub to: String,
    /// 到达该阶段的日期（签约、开工、投产等日期），默认今天
    #[schema(format = Date)]
    pub on: Option<String>,
    /// 跳过的中间阶段各自的日期，如 {"negotiating": "2026-10-08"}
    pub dates: Option<std::collections::BTreeMap<String, String>>,
    /// 入库纳统编号（推进到 in_statistics 时必填）
    pub reference: Option<String>,
    pub note: Option<String>,
    /// 佐证文件：签约须合同或协议，开工须施工许可证或现场照片，投产须投产证明或现场照片（每个不超过 10 MB）
    pub evidence: Option<Vec<Evidence>>,
    pub version: i32,
}

/// One evidence file, in base64.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Evidence {
    /// 佐证的阶段，默认为推进到的阶段
    pub stage: Option<String>,
    pub file_name: String,
    /// 文件内容的 base64（照片 JPG/PNG/WebP/HEIC，或 PDF、Word、Excel）
    pub content_base64: String,
}

/// Evidence files decoded and checked as the page checks uploads.
fn evidence_files(items: &[Evidence], to: Stage) -> Result<Vec<(Stage, store::follow_ups::NewAttachment)>> {
    use base64::Engine;
    use crate::routes::followups::{MAX_FILE_BYTES, MAX_FILES, sniff};
    if items.len() > MAX_FILES {
        return Err(AppError::BadRequest(format!("一次最多上传 {MAX_FILES} 个文件")));
    }
    let mut files = Vec::new();
    for item in items {
        let stage = match item.stage.as_deref() {
            None | Some("") => to,
            Some(code) => Stage::parse(code).ok_or_else(|| AppError::BadRequest(format!("佐证文件的阶段「{code}」未知")))?,
        };
        let name = item.file_name.trim();
        let name = if name.is_empty() { "附件" } else { name };
        let data = base64::engine::general_purpose::STANDARD
            .decode(item.content_base64.trim())
            .map_err(|_| AppError::BadRequest(format!("「{name}」的 content_base64 不是有效的 base64")))?;
        if data.is_empty() {
            return Err(AppError::BadRequest(format!("「{name}」是空文件")));
        }
        if data.len() > MAX_FILE_BYTES {
            return Err(AppError::BadRequest(format!("「{name}」超过 10 MB")));
        }
        let content_type = sniff(&data).ok_or_else(|| AppError::BadRequest(format!("「{name}」不是支持的文件类型（照片 JPG/PNG/WebP/HEIC，或 PDF、Word、Excel）")))?;
        files.push((stage, store::follow_ups::NewAttachment { file_name: name.chars().take(200).collect(), content_type: content_type.to_string(), data }));
    }
    Ok(files)
}

/// Pausing, dropping or resuming a project.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct StateWrite {
    /// active / suspended / dropped
    pub to: String,
    pub reason: Option<String>,
    pub version: i32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Funds {
    pub id: i64,
    pub project_id: i64,
    /// 月份（该月 1 日）
    #[schema(format = Date)]
    pub month: String,
    /// 万元的百分之一
    pub amount_wan: i64,
    pub origin: String,
    pub use_kind: String,
    pub note: String,
    /// pending / approved / rejected
    pub verification: String,
    pub unit_id: i64,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

impl From<funds_report::Model> for Funds {
    fn from(f: funds_report::Model) -> Funds {
        Funds { id: f.id, project_id: f.project_id, month: f.month.to_string(), amount_wan: f.amount_wan, origin: f.origin, use_kind: f.use_kind, note: f.note, verification: f.verification, unit_id: f.unit_id, created_at: f.created_at }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FundsList {
    pub items: Vec<Funds>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct FundsWrite {
    /// 月份，如 2026-11
    pub month: String,
    /// 到位金额（万元），如「3000」
    pub amount: String,
    /// 资金来源代码
    pub origin: String,
    /// 资金用途代码
    pub use_kind: String,
    pub note: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PendingCheck {
    /// 核查键，如 stage-12、funds-7
    pub key: String,
    pub project_id: i64,
    pub project_code: String,
    pub project_name: String,
    pub unit_name: String,
    pub what: String,
    #[schema(format = Date)]
    pub on: String,
    pub waiting_days: i64,
    pub files: u64,
    pub verification: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PendingCheckList {
    pub items: Vec<PendingCheck>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct VerifyWrite {
    /// approve / reject
    pub result: String,
    pub note: Option<String>,
    pub latitude: Option<String>,
    pub longitude: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Request {
    pub id: i64,
    pub project_id: Option<i64>,
    pub project_code: String,
    pub enterprise_id: Option<i64>,
    pub enterprise: String,
    pub category: String,
    pub text: String,
    pub owner_unit_id: i64,
    pub owner_unit: String,
    pub raised_by_unit_id: i64,
    #[schema(format = Date)]
    pub deadline: String,
    /// open / in_progress / resolved …
    pub status: String,
    pub resolution: String,
    pub escalation: String,
    #[schema(format = Date)]
    pub resolved_on: Option<String>,
    pub overdue_days: Option<i64>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
    pub version: i32,
}

fn request_of(row: RequestRow, user: &CurrentUser) -> Request {
    let real = page::sees_real_names(user);
    let enterprise = request_page::investor_of(&row, &real, &user.unit.id);
    let hidden = row.confidential && !real && !row.project_units.contains(&user.unit.id);
    let r = row.request;
    Request {
        id: r.id,
        project_id: r.project_id,
        project_code: row.project_code,
        enterprise_id: (!hidden).then_some(r.enterprise_id),
        enterprise,
        category: r.category,
        text: r.text,
        owner_unit_id: r.owner_unit_id,
        owner_unit: row.owner_unit,
        raised_by_unit_id: r.raised_by_unit_id,
        deadline: r.deadline.to_string(),
        status: r.status,
        resolution: r.resolution,
        escalation: r.escalation,
        resolved_on: date_text(r.resolved_on),
        overdue_days: row.overdue_days,
        created_at: r.created_at,
        updated_at: r.updated_at,
        version: r.version,
    }
}

list_of!(RequestList, Request);

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct RequestWrite {
    /// 项目诉求填项目 id；投资企业的诉求填 enterprise_id
    pub project_id: Option<i64>,
    pub enterprise_id: Option<i64>,
    /// 诉求类别代码
    pub category: String,
    pub text: String,
    /// 责任单位
    pub owner_unit_id: i64,
    /// 办理期限
    #[schema(format = Date)]
    pub deadline: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct RequestUpdate {
    /// 办理状态代码
    pub status: String,
    pub resolution: Option<String>,
    pub version: i32,
}

/// 项目库：本账号可见的项目。例：本单位本月经核查的签约项目
/// `?unit_id=本单位id&reached=signed&reached_from=2026-11-01&reached_until=2026-12-01&reached_verified=1`。
#[utoipa::path(get, path = "/api/v1/projects", tag = "项目",
    params(
        ("q" = Option<String>, Query, description = "名称、代号、编号或投资方"),
        ("stage" = Option<String>, Query, description = "当前阶段"),
        ("state" = Option<String>, Query, description = "active / suspended / dropped"),
        ("unit_id" = Option<i64>, Query, description = "落地、来源或分享认定的单位"),
        ("chain_id" = Option<i64>, Query, description = "产业链"),
        ("band" = Option<String>, Query, description = "总投资档次：yi / ten_yi / fifty_yi"),
        ("source" = Option<String>, Query, description = "来源渠道"),
        ("eligible" = Option<String>, Query, description = "yes / no"),
        ("health" = Option<String>, Query, description = "green / amber / red / idle"),
        ("reached" = Option<String>, Query, description = "到达过该阶段"),
        ("reached_from" = Option<String>, Query, format = Date, description = "到达该阶段不早于"),
        ("reached_until" = Option<String>, Query, format = Date, description = "到达该阶段早于"),
        ("reached_verified" = Option<String>, Query, description = "为 1 时只要到达经实地核查通过的"),
        ("sort" = Option<String>, Query, description = "recent / amount / stage / health"),
        Paging),
    responses((status = 200, body = ProjectList), Errors))]
pub async fn list(State(state): State<AppState>, user: CurrentUser, Query(q): Query) -> Result<Json<ProjectList>> {
    let cursor = Cursor::from_query(&q)?;
    let mut filter = page::filter_from(&q)?;
    filter.page = cursor.page;
    filter.per_page = cursor.limit;
    let (rows, total) = state.store.list_projects(user.actor.visibility(), &filter, page::sees_real_names(&user)).await?;
    let next = cursor.next(rows.len(), Some(total));
    Ok(Json(ProjectList { items: rows.into_iter().map(|r| project_of(r, &user)).collect(), next_cursor: next, total: Some(total) }))
}

/// 一个项目。
#[utoipa::path(get, path = "/api/v1/projects/{id}", tag = "项目", params(("id" = i64, Path, description = "项目 id")), responses((status = 200, body = Project), Errors))]
pub async fn get(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>) -> Result<Json<Project>> {
    let id = parse_id(&id)?;
    let row = state.store.project_row(id).await?;
    page::check(&state, &user, &row.project, Access::Read).await?;
    Ok(Json(project_of(row, &user)))
}

/// 登记一个项目（线索）。与其他单位的项目疑似重复时返回 409，确认后带 `confirm_duplicate: true` 再提交。
#[utoipa::path(post, path = "/api/v1/projects", tag = "项目", request_body = ProjectWrite,
    params(("Idempotency-Key" = Option<String>, Header, description = "幂等键")),
    responses((status = 201, body = Project), Errors))]
pub async fn create(State(state): State<AppState>, user: CurrentUser, Body(_, body): Body<ProjectWrite>) -> Result<Response> {
    let form = form_from(&body);
    let input = page::input_from(&form)?;
    let (target_id, event_id) = page::check_new(&state, &user, &input, &form).await?;
    let lead_on = match form.get("lead_on") {
        v if v.is_empty() => chrono::Utc::now().date_naive(),
        v => chrono::NaiveDate::parse_from_str(&v, "%Y-%m-%d").map_err(|_| AppError::BadRequest("「线索日期」应为 2026-11-27 这样的日期".into()))?,
    };
    let errors = input.check();
    if !errors.is_empty() {
        return Err(AppError::BadRequest(errors.into_iter().map(|(_, m)| m).collect::<Vec<_>>().join("；")));
    }
    if input.enterprise_id > 0 && !form.checked("confirm_duplicate") {
        let dups = state.store.project_duplicates(input.enterprise_id, input.chain_id, &[input.landing_unit_id, input.source_unit_id], None).await?;
        if !dups.is_empty() {
            let names: Vec<String> = dups.iter().map(|d| format!("{}（{}）", d.code, d.unit_name)).collect();
            return Err(AppError::Conflict(format!("同一投资方在同一产业链已有项目：{}。确属不同项目请带 confirm_duplicate: true 重新提交", names.join("、"))));
        }
    }
    let p = match event_id {
        Some(id) => state.store.create_event_lead(&user.who(), id, &input, lead_on, target_id).await?,
        None => state.store.create_project(&user.who(), &input, lead_on, target_id).await?,
    };
    Ok(created(format!("/api/v1/projects/{}", p.id), project_of(state.store.project_row(p.id).await?, &user)))
}

/// 修改项目信息（只改给出的字段；须带 version）。阶段用 advance，状态用 state。
#[utoipa::path(patch, path = "/api/v1/projects/{id}", tag = "项目", request_body = ProjectWrite, params(("id" = i64, Path, description = "项目 id")), responses((status = 200, body = Project), Errors))]
pub async fn update(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>, Body(_, body): Body<ProjectWrite>) -> Result<Json<Project>> {
    let id = parse_id(&id)?;
    let p = state.store.project(id).await?;
    page::check(&state, &user, &p, Access::Write).await?;
    let version = version_in(&body)?;
    let input = page::input_from(&overlay(page::form_of(&p), &body))?;
    page::check_move(&user, &p, &input)?;
    state.store.update_project(&user.who(), id, version, &input).await?;
    Ok(Json(project_of(state.store.project_row(id).await?, &user)))
}

/// 推进项目阶段。签约、开工、投产、入库纳统须经市局实地核查才计入考核（此处登记后为 pending）；
/// 需附件佐证的阶段请在页面上传。
#[utoipa::path(post, path = "/api/v1/projects/{id}/advance", tag = "项目", request_body = AdvanceWrite,
    params(("id" = i64, Path, description = "项目 id"), ("Idempotency-Key" = Option<String>, Header, description = "幂等键")),
    responses((status = 200, body = Project), Errors))]
pub async fn advance(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>, Body(a, _): Body<AdvanceWrite, { super::EVIDENCE_LIMIT }>) -> Result<Json<Project>> {
    let id = parse_id(&id)?;
    let p = state.store.project(id).await?;
    page::check(&state, &user, &p, Access::Write).await?;
    // The page's form: `to`, `date_<stage>` for each stage reached, `reference`.
    let mut form = crate::forms::FormData(vec![("to".into(), a.to.clone()), ("reference".into(), a.reference.clone().unwrap_or_default())]);
    for (stage, on) in a.dates.iter().flatten() {
        form.0.push((format!("date_{stage}"), on.clone()));
    }
    if let Some(to) = Stage::parse(&a.to) {
        let on = a.on.clone().unwrap_or_else(|| chrono::Utc::now().date_naive().to_string());
        form.0.retain(|(k, _)| *k != format!("date_{}", to.code()));
        form.0.push((format!("date_{}", to.code()), on));
    }
    let (to, advance) = page::advance_from(&form)?;
    let files = evidence_files(a.evidence.as_deref().unwrap_or_default(), to)?;
    state.store.advance_project(&user.who(), id, a.version, to, &advance, a.note.as_deref().unwrap_or_default(), files).await?;
    Ok(Json(project_of(state.store.project_row(id).await?, &user)))
}

/// 暂停、终止或恢复项目。
#[utoipa::path(post, path = "/api/v1/projects/{id}/state", tag = "项目", request_body = StateWrite,
    params(("id" = i64, Path, description = "项目 id"), ("Idempotency-Key" = Option<String>, Header, description = "幂等键")),
    responses((status = 200, body = Project), Errors))]
pub async fn change_state(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>, Body(s, _): Body<StateWrite>) -> Result<Json<Project>> {
    let id = parse_id(&id)?;
    let p = state.store.project(id).await?;
    page::check(&state, &user, &p, Access::Write).await?;
    let to = ProjectState::parse(&s.to).ok_or_else(|| AppError::BadRequest("请选择要进行的操作".into()))?;
    state.store.change_project_state(&user.who(), id, s.version, to, s.reason.as_deref().unwrap_or_default()).await?;
    Ok(Json(project_of(state.store.project_row(id).await?, &user)))
}

/// 项目各月到位资金。
#[utoipa::path(get, path = "/api/v1/projects/{id}/funds", tag = "项目", params(("id" = i64, Path, description = "项目 id")), responses((status = 200, body = FundsList), Errors))]
pub async fn funds(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>) -> Result<Json<FundsList>> {
    let id = parse_id(&id)?;
    let p = state.store.project(id).await?;
    page::check(&state, &user, &p, Access::Read).await?;
    Ok(Json(FundsList { items: state.store.funds_reports(id).await?.into_iter().map(Funds::from).collect() }))
}

/// 填报一个月的到位资金（经核查后计入）。同月同来源同用途已填报过返回 409。
#[utoipa::path(post, path = "/api/v1/projects/{id}/funds", tag = "项目", request_body = FundsWrite,
    params(("id" = i64, Path, description = "项目 id"), ("Idempotency-Key" = Option<String>, Header, description = "幂等键")),
    responses((status = 201, body = Funds), Errors))]
pub async fn add_funds(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>, Body(_, body): Body<FundsWrite>) -> Result<Response> {
    let id = parse_id(&id)?;
    let p = state.store.project(id).await?;
    page::check(&state, &user, &p, Access::Write).await?;
    let f = state.store.add_funds(&user.who(), id, &page::funds_from(&form_from(&body))?).await?;
    Ok(created(format!("/api/v1/projects/{id}/funds"), Funds::from(f)))
}

fn pending_of(item: QueueItem, real: bool) -> PendingCheck {
    PendingCheck {
        project_name: if item.confidential && !real { format!("{}（保密项目）", item.codename) } else { item.project_name },
        key: item.key,
        project_id: item.project_id,
        project_code: item.project_code,
        unit_name: item.unit_name,
        what: item.what,
        on: item.on.to_string(),
        waiting_days: item.waiting_days,
        files: item.files as u64,
        verification: item.verification.code().to_string(),
    }
}

/// 待实地核查的阶段和到位资金（全市权限可见）。
#[utoipa::path(get, path = "/api/v1/verifications", tag = "项目",
    params(("rejected" = Option<String>, Query, description = "为 1 时也列出核查未通过的")),
    responses((status = 200, body = PendingCheckList), Errors))]
pub async fn verifications(State(state): State<AppState>, user: CurrentUser, Query(q): Query) -> Result<Json<PendingCheckList>> {
    user.can(Power::SeeAllUnits, "read", "verification_queue", "")?;
    let real = page::sees_real_names(&user);
    let items = state.store.verification_queue(q.checked("rejected"), 500).await?;
    Ok(Json(PendingCheckList { items: items.into_iter().map(|i| pending_of(i, real)).collect() }))
}

/// 提交实地核查结果（市局核查人员）。照片等佐证请在页面上传。
#[utoipa::path(post, path = "/api/v1/verifications/{key}", tag = "项目", request_body = VerifyWrite,
    params(("key" = String, Path, description = "核查键，如 stage-12"), ("Idempotency-Key" = Option<String>, Header, description = "幂等键")),
    responses((status = 200, body = Project), Errors))]
pub async fn verify(State(state): State<AppState>, user: CurrentUser, Path(key): Path<String>, Body(v, body): Body<VerifyWrite>) -> Result<Json<Project>> {
    user.can(Power::Verify, "verify", "project", &key)?;
    let what = verification_page::parse_key(&key)?;
    let approve = match v.result.as_str() {
        "approve" => true,
        "reject" => false,
        _ => return Err(AppError::BadRequest("请选择核查结果：approve（通过）或 reject（不通过）".into())),
    };
    let check = verification_page::site_check_from(&form_from(&body), approve)?;
    let p = state.store.verify(&user.who(), what, &check, Vec::new()).await?;
    Ok(Json(project_of(state.store.project_row(p.id).await?, &user)))
}

/// 企业诉求：本单位提出或负责办理的（全市权限见全部），按办理期限排列。
#[utoipa::path(get, path = "/api/v1/requests", tag = "项目",
    params(
        ("unit_id" = Option<i64>, Query, description = "责任单位"),
        ("project_id" = Option<i64>, Query, description = "项目"),
        ("status" = Option<String>, Query, description = "办理状态"),
        ("overdue" = Option<String>, Query, description = "为 1 时只看超期的"),
        ("level" = Option<String>, Query, description = "上报层级"),
        Paging),
    responses((status = 200, body = RequestList), Errors))]
pub async fn requests(State(state): State<AppState>, user: CurrentUser, Query(q): Query) -> Result<Json<RequestList>> {
    let cursor = Cursor::from_query(&q)?;
    let mut filter = request_page::filter_from(&q)?;
    filter.offset = cursor.page.saturating_mul(cursor.limit);
    let (rows, total) = state.store.list_requests(user.actor.visibility(), &filter, cursor.limit).await?;
    let next = cursor.next(rows.len(), Some(total));
    Ok(Json(RequestList { items: rows.into_iter().map(|r| request_of(r, &user)).collect(), next_cursor: next, total: Some(total) }))
}

/// 登记一条诉求：项目诉求须有项目写权限；企业诉求须本单位在服务该企业（市局不限）。
#[utoipa::path(post, path = "/api/v1/requests", tag = "项目", request_body = RequestWrite,
    params(("Idempotency-Key" = Option<String>, Header, description = "幂等键")),
    responses((status = 201, body = Request), Errors))]
pub async fn create_request(State(state): State<AppState>, user: CurrentUser, Body(_, body): Body<RequestWrite>) -> Result<Response> {
    let new = request_page::new_request_from(&state, &user, &form_from(&body)).await?;
    let r = state.store.create_request(&user.who(), user.unit.id, &new).await?;
    Ok(created(format!("/api/v1/requests/{}", r.id), request_by_id(&state, &user, r.id).await?))
}

async fn request_by_id(state: &AppState, user: &CurrentUser, id: i64) -> Result<Request> {
    let filter = store::services::RequestFilter { id: Some(id), ..Default::default() };
    let (rows, _) = state.store.list_requests(domain::access::Visibility::All, &filter, 1).await?;
    let row = rows.into_iter().find(|row| row.request.id == id).ok_or_else(|| AppError::NotFound("没有这条诉求".into()))?;
    Ok(request_of(row, user))
}

/// 办理诉求：改办理状态、写办理结果（责任单位或市局；须带 version）。
#[utoipa::path(patch, path = "/api/v1/requests/{id}", tag = "项目", request_body = RequestUpdate, params(("id" = i64, Path, description = "诉求 id")), responses((status = 200, body = Request), Errors))]
pub async fn update_request(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>, Body(u, _): Body<RequestUpdate>) -> Result<Json<Request>> {
    let id = parse_id(&id)?;
    let r = state.store.request(id).await?;
    user.may(Access::Write, Owner::unit(r.owner_unit_id), "request", id)?;
    let status = RequestStatus::parse(&u.status).ok_or_else(|| AppError::BadRequest(format!("未知的办理状态「{}」", u.status)))?;
    state.store.update_request(&user.who(), id, u.version, status, u.resolution.as_deref().unwrap_or_default()).await?;
    Ok(Json(request_by_id(&state, &user, id).await?))
}
