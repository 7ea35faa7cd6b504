//! Synthetic projects at every stage, with their stage changes, site checks, funds in place,
//! requests and service teams; deterministic like the rest of the generated data. Eligibility
//! and health are not set here: the store computes them from these facts after loading.

use chrono::{Duration, NaiveDate, TimeZone, Utc};

use domain::project::{Duplicate, Escalation, FundsOrigin, FundsUse, ProjectKind, RequestCategory, RequestStatus, SourceChannel, Stage, State, TeamRole, Verification};
use store::bulk::Generated;
use store::entities::{funds_report, link, project, request, service_member, stage_change, unit, user, verification};

use crate::generate::Rng;

const NAMES: &[&str] = &["生产基地", "智能制造项目", "研发中心", "扩能技改项目", "产业园项目", "零部件配套项目", "新材料项目"];
const REQUESTS: &[(RequestCategory, &str)] = &[
    (RequestCategory::Utilities, "厂区 110 千伏专线接入时间需提前到明年一季度"),
    (RequestCategory::Land, "二期用地 50 亩的土地指标尚未落实"),
    (RequestCategory::Approval, "环评批复进度慢，希望并联审批"),
    (RequestCategory::Labour, "投产前需招聘熟练技工 200 名"),
    (RequestCategory::Finance, "希望对接本地银行办理固定资产贷款"),
    (RequestCategory::Planning, "厂房限高调整需要规划部门确认"),
];

/// A project row with neutral defaults; the caller sets what matters.
#[allow(clippy::too_many_arguments)]
fn row(id: i64, code: String, name: String, enterprise: &store::entities::enterprise::Model, landing: i64, source: i64, owner: Option<i64>, lead_on: NaiveDate, created_by: i64) -> project::Model {
    let now = Utc::now();
    project::Model {
        id,
        code,
        name,
        codename: String::new(),
        confidential: false,
        enterprise_id: enterprise.id,
        target_id: None,
        chain_id: None,
        link_id: None,
        industry_code: enterprise.industry_code.clone(),
        kind: ProjectKind::New.code().into(),
        follow_on: false,
        total_wan: 0,
        fixed_wan: 0,
        planned_jobs: None,
        planned_output_wan: None,
        planned_tax_wan: None,
        source_channel: SourceChannel::Office.code().into(),
        source_unit_id: source,
        landing_unit_id: landing,
        owner_user_id: owner,
        contract_kind: String::new(),
        contract_wan: None,
        stage: Stage::Lead.code().into(),
        state: State::Active.code().into(),
        stage_on: lead_on,
        state_reason: String::new(),
        lead_on: Some(lead_on),
        negotiating_on: None,
        signed_on: None,
        started_on: None,
        operating_on: None,
        in_statistics_on: None,
        signed_verification: Verification::NotNeeded.code().into(),
        started_verification: Verification::NotNeeded.code().into(),
        operating_verification: Verification::NotNeeded.code().into(),
        in_statistics_verification: Verification::NotNeeded.code().into(),
        statistics_ref: String::new(),
        planned_start_on: None,
        planned_operation_on: None,
        funds_plan_wan: 0,
        funds_plan_by: None,
        funds_verified_wan: 0,
        eligible: false,
        eligibility_rule: String::new(),
        duplicate: Duplicate::None.code().into(),
        duplicate_of_id: None,
        duplicate_reason: String::new(),
        health: "green".into(),
        health_reasons: String::new(),
        last_activity_on: lead_on,
        region_code: enterprise.region_code.clone(),
        tags: enterprise.tags.clone(),
        search_text: store::enterprises::search_text(enterprise),
        note: String::new(),
        created_by: Some(created_by),
        created_at: Utc.from_utc_datetime(&lead_on.and_hms_opt(9, 0, 0).unwrap_or_default()),
        updated_at: now,
        version: 1,
    }
}

/// Adds `per_unit` projects for every courting unit, mostly from its targets.
pub fn generate(data: &mut Generated, units: &[unit::Model], users: &[user::Model], links: &[link::Model], per_unit: usize, seed: u64) {
    let mut rng = Rng::new(seed);
    let today = Utc::now().date_naive();
    let bureau = users.iter().find(|u| u.username == "bureau").map_or(1, |u| u.id);
    let courting: Vec<&unit::Model> = units.iter().filter(|u| matches!(u.kind.as_str(), "county" | "park" | "office")).collect();
    let counties: Vec<&unit::Model> = units.iter().filter(|u| matches!(u.kind.as_str(), "county" | "park")).collect();
    let chain_of = |link_id: i64| links.iter().find(|l| l.id == link_id).map(|l| l.chain_id);
    let mut serial = 0i64;
    let mut next_follow_up = data.follow_ups.iter().map(|f| f.id).max().unwrap_or(0);
    for unit in &courting {
        let officers: Vec<&user::Model> = users.iter().filter(|u| u.unit_id == unit.id).collect();
        let Some(author) = officers.first().map(|u| u.id) else { continue };
        let own_targets: Vec<usize> = data.targets.iter().enumerate().filter(|(_, t)| t.owner_unit_id == unit.id && t.status != "dropped").map(|(i, _)| i).collect();
        for n in 0..per_unit {
            serial += 1;
            let from_target = own_targets.get(n).copied();
            let enterprise = match from_target {
                Some(t) => data.enterprises.iter().find(|e| e.id == data.targets[t].enterprise_id).cloned(),
                None => data.enterprises.get((rng.next() % data.enterprises.len().max(1) as u64) as usize).cloned(),
            };
            let Some(enterprise) = enterprise else { continue };
            // An office brings the lead; a county or park lands it.
            let landing = if unit.kind == "office" && !counties.is_empty() { rng.pick(&counties).id } else { unit.id };
            let lead_on = today - Duration::days((rng.next() % 700) as i64 + 30);
            let short: String = enterprise.name.chars().take(12).collect();
            let mut p = row(serial, domain::project::project_code(lead_on.format("%Y").to_string().parse().unwrap_or(2026), serial), format!("{short}{}", rng.pick(NAMES)), &enterprise, landing, unit.id, Some(author), lead_on, author);
            if let Some(t) = from_target {
                p.target_id = Some(data.targets[t].id);
                data.targets[t].status = "converted".into();
                if let Some(l) = data.target_links.iter().find(|l| l.target_id == data.targets[t].id) {
                    p.link_id = Some(l.link_id);
                    p.chain_id = chain_of(l.link_id);
                }
            }
            p.kind = rng.pick(&[ProjectKind::New, ProjectKind::New, ProjectKind::Expansion, ProjectKind::Upgrade]).code().into();
            p.source_channel = rng.pick(SourceChannel::ALL).code().into();
            // Amounts from 2,000 万 to 50 亿, most between 1 and 10 亿.
            let yi_tenths = [2u64, 5, 8, 12, 20, 30, 50, 80, 120, 300, 500][(rng.next() % 11) as usize];
            p.total_wan = (yi_tenths * 100_000 + rng.next() % 100_000) as i64;
            p.fixed_wan = p.total_wan * 7 / 10;
            p.planned_jobs = Some((rng.next() % 800) as i32 + 20);
            // How far it got: most are early, a few are in the statistics.
            let reached = *rng.pick(&[Stage::Lead, Stage::Lead, Stage::Lead, Stage::Negotiating, Stage::Negotiating, Stage::Signed, Stage::Signed, Stage::Started, Stage::Started, Stage::Operating, Stage::InStatistics]);
            let mut on = lead_on;
            let mut from = Stage::Lead;
            let change = |data: &mut Generated, kind: &str, from: Stage, to: Stage, on: NaiveDate, v: Verification| {
                let id = data.stage_changes.len() as i64 + 1;
                data.stage_changes.push(stage_change::Model {
                    id,
                    project_id: serial,
                    kind: kind.into(),
                    from_stage: from.code().into(),
                    to_stage: to.code().into(),
                    from_state: State::Active.code().into(),
                    to_state: State::Active.code().into(),
                    happened_on: on,
                    note: String::new(),
                    reference: String::new(),
                    verification: v.code().into(),
                    unit_id: landing,
                    user_id: Some(author),
                    created_at: Utc.from_utc_datetime(&on.and_hms_opt(10, 0, 0).unwrap_or_default()),
                });
                id
            };
            change(data, "create", Stage::Lead, Stage::Lead, lead_on, Verification::NotNeeded);
            for stage in Stage::ALL.iter().copied().filter(|s| *s > Stage::Lead && *s <= reached) {
                let step = (rng.next() % 90) as i64 + 10;
                if on + Duration::days(step) > today {
                    break;
                }
                on += Duration::days(step);
                // The latest claim may still wait for the bureau; a few were rejected.
                let v = if !stage.needs_verification() {
                    Verification::NotNeeded
                } else {
                    match (stage == reached, rng.next() % 20) {
                        (true, 0..=4) => Verification::Pending,
                        (_, 5) => Verification::Rejected,
                        _ => Verification::Approved,
                    }
                };
                let change_id = change(data, "advance", from, stage, on, v);
                if matches!(v, Verification::Approved | Verification::Rejected) {
                    data.verifications.push(verification::Model {
                        id: data.verifications.len() as i64 + 1,
                        project_id: serial,
                        stage_change_id: Some(change_id),
                        funds_report_id: None,
                        result: v.code().into(),
                        note: if v == Verification::Rejected { "现场未见施工迹象，与申报不符".into() } else { "现场核实属实".into() },
                        latitude_e6: Some(33_070_000 + (rng.next() % 100_000) as i64),
                        longitude_e6: Some(107_020_000 + (rng.next() % 100_000) as i64),
                        user_id: Some(bureau),
                        created_at: Utc.from_utc_datetime(&(on + Duration::days(5)).and_hms_opt(15, 0, 0).unwrap_or_default()),
                    });
                }
                match stage {
                    Stage::Lead => {}
                    Stage::Negotiating => p.negotiating_on = Some(on),
                    Stage::Signed => {
                        p.signed_on = Some(on);
                        p.signed_verification = v.code().into();
                        p.contract_kind = if rng.next() % 3 == 0 { "agreement" } else { "contract" }.into();
                        p.contract_wan = Some(p.total_wan);
                        // Plans slip: the current plan is usually still ahead, sometimes missed.
                        let start = if rng.next() % 8 == 0 { on + Duration::days(120) } else { Ord::max(on + Duration::days(120), today + Duration::days((rng.next() % 150) as i64)) };
                        p.planned_start_on = Some(start);
                        p.planned_operation_on = Some(start + Duration::days(420));
                        p.funds_plan_wan = p.fixed_wan / 2;
                        p.funds_plan_by = NaiveDate::from_ymd_opt((on + Duration::days(365)).format("%Y").to_string().parse().unwrap_or(2027), 12, 1);
                    }
                    Stage::Started => {
                        p.started_on = Some(on);
                        p.started_verification = v.code().into();
                    }
                    Stage::Operating => {
                        p.operating_on = Some(on);
                        p.operating_verification = v.code().into();
                    }
                    Stage::InStatistics => {
                        p.in_statistics_on = Some(on);
                        p.in_statistics_verification = v.code().into();
                        p.statistics_ref = format!("{}-{}-{serial:04}", landing, on.format("%Y"));
                    }
                }
                p.stage = stage.code().into();
                p.stage_on = on;
                from = stage;
            }
            // Funds in place, month by month since signing, mostly verified.
            if let Some(signed) = p.signed_on {
                let mut month = NaiveDate::from_ymd_opt(signed.format("%Y").to_string().parse().unwrap_or(2026), signed.format("%m").to_string().parse().unwrap_or(1), 1).unwrap_or(signed);
                let mut verified = 0;
                while month <= today && data.funds_reports.len() < 5_000_000 {
                    if rng.next() % 3 != 0 {
                        let amount = (p.funds_plan_wan / 12).max(10_000);
                        let v = if rng.next() % 6 == 0 { Verification::Pending } else { Verification::Approved };
                        if v == Verification::Approved {
                            verified += amount;
                        }
                        data.funds_reports.push(funds_report::Model {
                            id: data.funds_reports.len() as i64 + 1,
                            project_id: serial,
                            month,
                            amount_wan: amount,
                            origin: rng.pick(FundsOrigin::ALL).code().into(),
                            use_kind: rng.pick(FundsUse::ALL).code().into(),
                            note: String::new(),
                            verification: v.code().into(),
                            unit_id: landing,
                            user_id: Some(author),
                            created_at: Utc.from_utc_datetime(&(month + Duration::days(35)).and_hms_opt(9, 0, 0).unwrap_or_default()),
                        });
                    }
                    month = month.checked_add_months(chrono::Months::new(1)).unwrap_or(today + Duration::days(1));
                }
                p.funds_verified_wan = verified;
                // Requests from the investor, some past their deadline.
                for k in 0..(rng.next() % 3) {
                    let (category, text) = *rng.pick(REQUESTS);
                    // Older requests are mostly resolved; open ones are recent, a few overdue.
                    let created = Ord::max(signed, today - Duration::days((rng.next() % 50) as i64));
                    let deadline = created + Duration::days(30);
                    let resolved = k == 0 && rng.next() % 2 == 0;
                    let status = if resolved { RequestStatus::Resolved } else { *rng.pick(&[RequestStatus::Open, RequestStatus::InProgress]) };
                    let at = Utc.from_utc_datetime(&created.and_hms_opt(11, 0, 0).unwrap_or_default());
                    data.requests.push(request::Model {
                        id: data.requests.len() as i64 + 1,
                        project_id: Some(serial),
                        enterprise_id: enterprise.id,
                        category: category.code().into(),
                        text: text.into(),
                        owner_unit_id: landing,
                        raised_by_unit_id: landing,
                        deadline,
                        status: status.code().into(),
                        resolution: if resolved { "已协调相关部门办结".into() } else { String::new() },
                        escalation: if !resolved && rng.next() % 4 == 0 { Escalation::City } else { Escalation::County }.code().into(),
                        resolved_on: resolved.then_some(deadline - Duration::days(3)),
                        created_by: Some(author),
                        created_at: at,
                        updated_at: at,
                        version: 1,
                    });
                }
                data.service_members.push(service_member::Model { id: data.service_members.len() as i64 + 1, project_id: Some(serial), enterprise_id: None, user_id: author, role: TeamRole::Lead.code().into(), added_by_unit_id: Some(landing), created_at: Utc::now() });
            }
            // A few stop: suspended or dropped with the reason.
            match rng.next() % 30 {
                0 => {
                    p.state = State::Dropped.code().into();
                    p.state_reason = "企业调整投资计划，项目落户其他城市".into();
                }
                1 if p.stage != Stage::InStatistics.code() => {
                    p.state = State::Suspended.code().into();
                    p.state_reason = "企业资金安排推迟，暂缓推进".into();
                }
                _ => {}
            }
            // Last activity (follow-ups, reports): mostly recent, one in ten quiet for weeks.
            let quiet = match rng.next() % 10 {
                0 => 45 + (rng.next() % 60) as i64,
                1 | 2 => 30 + (rng.next() % 15) as i64,
                _ => (rng.next() % 20) as i64,
            };
            p.last_activity_on = Ord::max(on, today - Duration::days(quiet));
            // Follow-ups on the project; one in a hundred is a flagship courted for years.
            let visits = if serial % 100 == 1 { 150 } else { (rng.next() % 6) as i64 };
            for v in 0..visits {
                next_follow_up += 1;
                let id = next_follow_up;
                let happened_on = Ord::min(lead_on + Duration::days(v * 5 + (rng.next() % 5) as i64), today);
                data.follow_ups.push(store::entities::follow_up::Model {
                    id,
                    enterprise_id: enterprise.id,
                    target_id: p.target_id,
                    project_id: Some(serial),
                    event_id: None,
                    unit_id: landing,
                    user_id: author,
                    happened_on,
                    kind: rng.pick(&["visit", "call", "meeting", "service"]).to_string(),
                    place: String::new(),
                    latitude_e6: None,
                    longitude_e6: None,
                    participants: String::new(),
                    summary: rng.pick(FOLLOW_UPS).to_string(),
                    next_step: String::new(),
                    next_due: None,
                    next_done: false,
                    client_key: format!("project-{seed:x}-{serial}-{v}"),
                    created_at: Utc.from_utc_datetime(&happened_on.and_hms_opt(16, 0, 0).unwrap_or_default()),
                });
            }
            data.projects.push(p);
        }
    }
}

const FOLLOW_UPS: &[&str] = &[
    "与企业对接项目进展，确认下阶段工作计划。",
    "陪同企业踏勘地块，协调水电气接入。",
    "专班上门服务，收集企业诉求。",
    "参加企业项目推进会，梳理审批事项。",
];

/// The projects of the design's week (DESIGN §13): 城固县's battery-parts investor since May
/// (a lead for the same investor from the 深圳 office is flagged), 汉台区's start waiting for the
/// site check and last week's rejected one, and two red projects for Tuesday's dispatch.
pub fn story(data: &mut Generated, units: &[unit::Model], users: &[user::Model], links: &[link::Model]) {
    let today = Utc::now().date_naive();
    let unit = |code: &str| units.iter().find(|u| u.code == code).map(|u| u.id);
    let user = |name: &str| users.iter().find(|u| u.username == name).map(|u| u.id);
    let (Some(chenggu), Some(hantai), Some(bureau)) = (unit("610722"), unit("610702"), user("bureau")) else { return };
    let (Some(chenggu_officer), Some(hantai_officer)) = (user("officer-610722"), user("officer-610702")) else { return };
    let battery = links.iter().find(|l| l.name == "动力电池及结构件");
    // The investor: the second generated company becomes the Shenzhen battery-parts maker.
    let Some(investor) = data.enterprises.get_mut(1) else { return };
    investor.name = "深圳市锂安电池部件有限公司".into();
    investor.name_norm = domain::names::normalize_name(&investor.name);
    investor.industry_code = "3841".into();
    investor.region_code = "440305".into();
    investor.is_local = false;
    let investor = investor.clone();
    for t in data.targets.iter_mut().filter(|t| t.enterprise_id == investor.id) {
        t.region_code = investor.region_code.clone();
        t.search_text = store::enterprises::search_text(&investor);
    }
    let mut next = data.projects.iter().map(|p| p.id).max().unwrap_or(0);
    let add = |data: &mut Generated, mut p: project::Model, changes: &[(Stage, NaiveDate, Verification, &str)]| {
        for (stage, on, v, note) in changes {
            let id = data.stage_changes.len() as i64 + 1;
            data.stage_changes.push(stage_change::Model {
                id,
                project_id: p.id,
                kind: if *stage == Stage::Lead { "create" } else { "advance" }.into(),
                from_stage: Stage::Lead.code().into(),
                to_stage: stage.code().into(),
                from_state: State::Active.code().into(),
                to_state: State::Active.code().into(),
                happened_on: *on,
                note: String::new(),
                reference: String::new(),
                verification: v.code().into(),
                unit_id: p.landing_unit_id,
                user_id: p.created_by,
                created_at: Utc.from_utc_datetime(&on.and_hms_opt(10, 0, 0).unwrap_or_default()),
            });
            if *v == Verification::Rejected || *v == Verification::Approved {
                data.verifications.push(verification::Model {
                    id: data.verifications.len() as i64 + 1,
                    project_id: p.id,
                    stage_change_id: Some(id),
                    funds_report_id: None,
                    result: v.code().into(),
                    note: note.to_string(),
                    latitude_e6: Some(33_072_100),
                    longitude_e6: Some(107_028_300),
                    user_id: Some(bureau),
                    created_at: Utc.from_utc_datetime(&(*on + Duration::days(3)).and_hms_opt(15, 0, 0).unwrap_or_default()),
                });
            }
        }
        p.last_activity_on = changes.iter().map(|c| c.1).max().unwrap_or(p.last_activity_on);
        data.projects.push(p);
    };
    let may = NaiveDate::from_ymd_opt(2026, 5, 12).unwrap_or(today);
    next += 1;
    let mut p = row(next, domain::project::project_code(2026, next), "锂安电池结构件生产基地".into(), &investor, chenggu, chenggu, Some(chenggu_officer), may, chenggu_officer);
    p.link_id = battery.map(|l| l.id);
    p.chain_id = battery.map(|l| l.chain_id);
    p.total_wan = 5 * 1_000_000;
    p.fixed_wan = 4 * 1_000_000;
    p.source_channel = SourceChannel::Native.code().into();
    p.stage = Stage::Negotiating.code().into();
    p.negotiating_on = Some(may + Duration::days(40));
    p.stage_on = may + Duration::days(40);
    add(data, p, &[(Stage::Lead, may, Verification::NotNeeded, ""), (Stage::Negotiating, may + Duration::days(40), Verification::NotNeeded, "")]);

    // 汉台区: a start claimed this week, waiting for Wednesday's check; one rejected last week.
    let hantai_investors: Vec<store::entities::enterprise::Model> = data.enterprises.iter().skip(2).filter(|e| !e.is_local).take(4).cloned().collect();
    let [a, b, c, d] = hantai_investors.as_slice() else { return };
    for (investor, name, started, v, note) in [
        (a, "汉台区智能装备产业园项目", today - Duration::days(2), Verification::Pending, ""),
        (b, "汉台区精密铸件扩能项目", today - Duration::days(9), Verification::Rejected, "现场仅完成场地平整，未见主体施工，不认定开工"),
    ] {
        next += 1;
        let signed = started - Duration::days(90);
        let mut p = row(next, domain::project::project_code(2026, next), name.into(), investor, hantai, hantai, Some(hantai_officer), signed - Duration::days(120), hantai_officer);
        p.industry_code = "3421".into();
        p.total_wan = 3 * 1_000_000;
        p.fixed_wan = 2 * 1_000_000;
        p.contract_kind = "contract".into();
        p.contract_wan = Some(p.total_wan);
        p.stage = Stage::Started.code().into();
        p.stage_on = started;
        p.negotiating_on = Some(signed - Duration::days(60));
        p.signed_on = Some(signed);
        p.started_on = Some(started);
        p.signed_verification = Verification::Approved.code().into();
        p.started_verification = v.code().into();
        let lead = p.lead_on.unwrap_or(signed);
        add(data, p, &[
            (Stage::Lead, lead, Verification::NotNeeded, ""),
            (Stage::Negotiating, signed - Duration::days(60), Verification::NotNeeded, ""),
            (Stage::Signed, signed, Verification::Approved, "合同原件与现场一致"),
            (Stage::Started, started, v, note),
        ]);
    }
    // Tuesday's two red projects: no progress in 50 days; a power request two weeks overdue.
    for (investor, name, quiet, request) in [(c, "城固县新材料深加工项目", 50, false), (d, "城固县电子元器件封测项目", 5, true)] {
        next += 1;
        let signed = today - Duration::days(200);
        let mut p = row(next, domain::project::project_code(2026, next), name.into(), investor, chenggu, chenggu, Some(chenggu_officer), signed - Duration::days(100), chenggu_officer);
        p.industry_code = "3985".into();
        p.total_wan = 2 * 1_000_000;
        p.fixed_wan = 1_500_000;
        p.contract_kind = "contract".into();
        p.stage = Stage::Signed.code().into();
        p.stage_on = signed;
        p.signed_on = Some(signed);
        p.signed_verification = Verification::Approved.code().into();
        let lead = p.lead_on.unwrap_or(signed);
        let id = p.id;
        add(data, p, &[(Stage::Lead, lead, Verification::NotNeeded, ""), (Stage::Signed, signed, Verification::Approved, "现场核实属实")]);
        if let Some(p) = data.projects.last_mut() {
            p.last_activity_on = today - Duration::days(quiet);
        }
        if request {
            let created = today - Duration::days(44);
            let at = Utc.from_utc_datetime(&created.and_hms_opt(11, 0, 0).unwrap_or_default());
            data.requests.push(request::Model {
                id: data.requests.len() as i64 + 1,
                project_id: Some(id),
                enterprise_id: investor.id,
                category: RequestCategory::Utilities.code().into(),
                text: "厂区 10 千伏双回路供电接入，供电公司尚未出具接入方案".into(),
                owner_unit_id: chenggu,
                raised_by_unit_id: chenggu,
                deadline: today - Duration::days(14),
                status: RequestStatus::InProgress.code().into(),
                resolution: String::new(),
                escalation: Escalation::County.code().into(),
                resolved_on: None,
                created_by: Some(chenggu_officer),
                created_at: at,
                updated_at: at,
                version: 1,
            });
        }
    }
}
