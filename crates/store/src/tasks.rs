//! Task lists (任务清单): lists of items the bureau hands to units for a year, each with a
//! deadline, marked done by the unit; and the per-unit counts the leader's view and the dispatch use.

use std::collections::HashMap;

use chrono::{Datelike, Duration, NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;

use crate::audit::{self, Event};
use crate::entities::{task_item, task_list, unit};
use crate::units::active_unit;
use crate::{Result, Store, StoreError, Who};

const OPEN: &str = "open";
const DONE: &str = "done";

/// Where an item stands today: open, done, or open past its deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum TaskState {
    Open,
    Done,
    Overdue,
}

impl TaskState {
    /// An item is overdue from the day after its deadline until it is done.
    pub fn of(status: &str, due_on: NaiveDate, today: NaiveDate) -> TaskState {
        if status == DONE {
            TaskState::Done
        } else if due_on < today {
            TaskState::Overdue
        } else {
            TaskState::Open
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            TaskState::Open => "open",
            TaskState::Done => "done",
            TaskState::Overdue => "overdue",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            TaskState::Open => "待办",
            TaskState::Done => "已完成",
            TaskState::Overdue => "已逾期",
        }
    }

    pub fn parse(code: &str) -> Option<TaskState> {
        [TaskState::Open, TaskState::Done, TaskState::Overdue].into_iter().find(|s| s.code() == code)
    }

    /// Overdue first, then open, then done: what needs chasing comes to the top.
    fn rank(self) -> u8 {
        match self {
            TaskState::Overdue => 0,
            TaskState::Open => 1,
            TaskState::Done => 2,
        }
    }
}

/// What the bureau types for an item.
#[derive(Debug, Clone)]
pub struct TaskInput {
    pub unit_id: i64,
    pub title: String,
    pub due_on: NaiveDate,
    pub note: String,
}

/// One item as a page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct TaskRow {
    pub item: task_item::Model,
    pub unit_name: String,
    pub state: TaskState,
    /// Days past the deadline of an item still open.
    pub overdue_days: Option<i64>,
}

impl TaskRow {
    /// Days after the deadline that a done item was finished, if it was late.
    pub fn finished_late(&self) -> Option<i64> {
        self.item.done_on.map(|d| (d - self.item.due_on).num_days()).filter(|d| *d > 0)
    }
}

/// A list with how far it has got.
#[derive(Debug, Clone, Serialize)]
pub struct ListSummary {
    pub list: task_list::Model,
    pub total: usize,
    pub done: usize,
    pub overdue: usize,
}

/// One unit's items across a year's lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnitTaskCount {
    pub unit_id: i64,
    pub unit_name: String,
    pub total: usize,
    pub done: usize,
    pub overdue: usize,
}

fn check_year(year: i32) -> Result<()> {
    if (2000..=2100).contains(&year) {
        Ok(())
    } else {
        Err(StoreError::Invalid(format!("年份 {year} 不在 2000–2100 之间")))
    }
}

fn check_item(input: &TaskInput) -> Result<TaskInput> {
    let title = input.title.trim();
    if title.is_empty() || title.chars().count() > 200 {
        return Err(StoreError::Invalid("请填写任务内容（最长 200 字）".into()));
    }
    if !(2000..=2100).contains(&input.due_on.year()) {
        return Err(StoreError::Invalid(format!("截止日期 {} 不在 2000–2100 年之间", input.due_on)));
    }
    let note = input.note.trim();
    if note.chars().count() > 2000 {
        return Err(StoreError::Invalid("备注最长 2000 字".into()));
    }
    Ok(TaskInput { unit_id: input.unit_id, title: title.to_string(), due_on: input.due_on, note: note.to_string() })
}

fn stale(version: i32) -> StoreError {
    StoreError::Conflict(format!("这项任务在您打开之后已被他人更新（现在是第 {version} 版），请刷新后再改"))
}

impl Store {
    pub async fn create_task_list(&self, who: &Who, year: i32, name: &str, note: &str) -> Result<task_list::Model> {
        check_year(year)?;
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(StoreError::Invalid("请填写清单名称（最长 100 字）".into()));
        }
        if note.trim().chars().count() > 2000 {
            return Err(StoreError::Invalid("说明最长 2000 字".into()));
        }
        let txn = self.begin_write().await?;
        let same = task_list::Entity::find().filter(task_list::Column::Year.eq(year)).filter(task_list::Column::Name.eq(name)).one(&txn).await?;
        if let Some(same) = same {
            return Err(StoreError::Duplicate { message: format!("{year} 年已有「{name}」，请换一个名称"), id: same.id });
        }
        let row = task_list::ActiveModel {
            year: Set(year),
            name: Set(name.to_string()),
            note: Set(note.trim().to_string()),
            created_by: Set(who.user_id),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        audit::append(&txn, who, Event::new("create", "task_list", row.id).change(None, Some(&row)).detail(format!("{year} 年「{name}」"))).await?;
        txn.commit().await?;
        Ok(row)
    }

    pub async fn task_list(&self, id: i64) -> Result<task_list::Model> {
        task_list::Entity::find_by_id(id).one(&self.db).await?.ok_or_else(|| StoreError::NotFound("没有这个任务清单".into()))
    }

    pub async fn task_item(&self, id: i64) -> Result<task_item::Model> {
        task_item::Entity::find_by_id(id).one(&self.db).await?.ok_or_else(|| StoreError::NotFound("没有这项任务".into()))
    }

    /// A year's lists, newest first, each with its totals as of `today`.
    pub async fn task_lists(&self, year: i32, today: NaiveDate) -> Result<Vec<ListSummary>> {
        let lists = task_list::Entity::find().filter(task_list::Column::Year.eq(year)).order_by_desc(task_list::Column::CreatedAt).order_by_desc(task_list::Column::Id).all(&self.db).await?;
        let ids: Vec<i64> = lists.iter().map(|l| l.id).collect();
        let items = task_item::Entity::find()
            .select_only()
            .columns([task_item::Column::ListId, task_item::Column::Status, task_item::Column::DueOn])
            .filter(task_item::Column::ListId.is_in(ids))
            .into_tuple::<(i64, String, NaiveDate)>()
            .all(&self.db)
            .await?;
        Ok(lists
            .into_iter()
            .map(|list| {
                let states: Vec<TaskState> = items.iter().filter(|i| i.0 == list.id).map(|i| TaskState::of(&i.1, i.2, today)).collect();
                ListSummary {
                    total: states.len(),
                    done: states.iter().filter(|s| **s == TaskState::Done).count(),
                    overdue: states.iter().filter(|s| **s == TaskState::Overdue).count(),
                    list,
                }
            })
            .collect())
    }

    /// A list's items with their units and state as of `today`: overdue first (longest overdue
    /// at the top), then open by deadline, then done.
    pub async fn task_items(&self, list_id: i64, today: NaiveDate) -> Result<Vec<TaskRow>> {
        let items = task_item::Entity::find().filter(task_item::Column::ListId.eq(list_id)).order_by_asc(task_item::Column::DueOn).order_by_asc(task_item::Column::Id).all(&self.db).await?;
        let units: HashMap<i64, (String, String)> = self.units().await?.into_iter().map(|u| (u.id, (u.code, u.name))).collect();
        let mut rows: Vec<TaskRow> = items
            .into_iter()
            .map(|item| {
                let state = TaskState::of(&item.status, item.due_on, today);
                TaskRow {
                    unit_name: units.get(&item.unit_id).map(|u| u.1.clone()).unwrap_or_default(),
                    overdue_days: (state == TaskState::Overdue).then(|| (today - item.due_on).num_days()),
                    state,
                    item,
                }
            })
            .collect();
        let code = |id: i64| units.get(&id).map(|u| u.0.clone()).unwrap_or_default();
        rows.sort_by_cached_key(|r| (r.state.rank(), r.item.due_on, code(r.item.unit_id), r.item.id));
        Ok(rows)
    }

    /// Each unit's items across all lists of a year (units without items are left out), in the
    /// units' official order.
    pub async fn task_counts(&self, year: i32, today: NaiveDate) -> Result<Vec<UnitTaskCount>> {
        let lists: Vec<i64> = task_list::Entity::find().select_only().column(task_list::Column::Id).filter(task_list::Column::Year.eq(year)).into_tuple::<i64>().all(&self.db).await?;
        let items = task_item::Entity::find()
            .select_only()
            .columns([task_item::Column::UnitId, task_item::Column::Status, task_item::Column::DueOn])
            .filter(task_item::Column::ListId.is_in(lists))
            .into_tuple::<(i64, String, NaiveDate)>()
            .all(&self.db)
            .await?;
        let mut counts: HashMap<i64, UnitTaskCount> = HashMap::new();
        for (unit_id, status, due_on) in items {
            let c = counts.entry(unit_id).or_insert_with(|| UnitTaskCount { unit_id, unit_name: String::new(), total: 0, done: 0, overdue: 0 });
            c.total += 1;
            match TaskState::of(&status, due_on, today) {
                TaskState::Done => c.done += 1,
                TaskState::Overdue => c.overdue += 1,
                TaskState::Open => {}
            }
        }
        let mut out = Vec::new();
        for u in unit::Entity::find().order_by_asc(unit::Column::Code).all(&self.db).await? {
            if let Some(mut c) = counts.remove(&u.id) {
                c.unit_name = u.name;
                out.push(c);
            }
        }
        Ok(out)
    }

    pub async fn add_task_item(&self, who: &Who, list_id: i64, input: &TaskInput) -> Result<task_item::Model> {
        let input = check_item(input)?;
        let txn = self.begin_write().await?;
        let list = task_list::Entity::find_by_id(list_id).one(&txn).await?.ok_or_else(|| StoreError::NotFound("没有这个任务清单".into()))?;
        let u = active_unit(&txn, input.unit_id, "责任单位").await?;
        let row = task_item::ActiveModel {
            list_id: Set(list.id),
            unit_id: Set(u.id),
            title: Set(input.title.clone()),
            due_on: Set(input.due_on),
            status: Set(OPEN.into()),
            done_on: Set(None),
            note: Set(input.note.clone()),
            updated_at: Set(Utc::now()),
            version: Set(1),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        audit::append(&txn, who, Event::new("create", "task_item", row.id).change(None, Some(&row)).detail(format!("「{}」交办 {}：{}", list.name, u.name, input.title))).await?;
        txn.commit().await?;
        Ok(row)
    }

    /// The bureau's edit of an item's unit, text, deadline and note (optimistic locking).
    pub async fn update_task_item(&self, who: &Who, id: i64, version: i32, input: &TaskInput) -> Result<task_item::Model> {
        let input = check_item(input)?;
        let txn = self.begin_write().await?;
        let before = task_item::Entity::find_by_id(id).one(&txn).await?.ok_or_else(|| StoreError::NotFound("没有这项任务".into()))?;
        if before.version != version {
            return Err(stale(before.version));
        }
        let u = if input.unit_id == before.unit_id {
            unit::Entity::find_by_id(input.unit_id).one(&txn).await?.ok_or_else(|| StoreError::Invalid("所选责任单位不存在".into()))?
        } else {
            active_unit(&txn, input.unit_id, "责任单位").await?
        };
        let mut row = before.clone().into_active_model();
        row.unit_id = Set(u.id);
        row.title = Set(input.title.clone());
        row.due_on = Set(input.due_on);
        row.note = Set(input.note.clone());
        row.updated_at = Set(Utc::now());
        row.version = Set(before.version + 1);
        let after = row.update(&txn).await?;
        audit::append(&txn, who, Event::new("update", "task_item", id).change(Some(&before), Some(&after)).detail(format!("{}：{}", u.name, after.title))).await?;
        txn.commit().await?;
        Ok(after)
    }

    /// Marks an item done (recording the day) or reopens it (clearing the day).
    pub async fn set_task_done(&self, who: &Who, id: i64, version: i32, done: bool) -> Result<task_item::Model> {
        let txn = self.begin_write().await?;
        let before = task_item::Entity::find_by_id(id).one(&txn).await?.ok_or_else(|| StoreError::NotFound("没有这项任务".into()))?;
        if before.version != version {
            return Err(stale(before.version));
        }
        match (done, before.status == DONE) {
            (true, true) => return Err(StoreError::Invalid("这项任务已标记完成".into())),
            (false, false) => return Err(StoreError::Invalid("这项任务尚未完成，无需重新打开".into())),
            _ => {}
        }
        let mut row = before.clone().into_active_model();
        row.status = Set(if done { DONE } else { OPEN }.into());
        row.done_on = Set(done.then(|| Utc::now().date_naive()));
        row.updated_at = Set(Utc::now());
        row.version = Set(before.version + 1);
        let after = row.update(&txn).await?;
        let action = if done { "done" } else { "reopen" };
        audit::append(&txn, who, Event::new(action, "task_item", id).change(Some(&before), Some(&after)).detail(after.title.clone())).await?;
        txn.commit().await?;
        Ok(after)
    }

    /// Deletes an item; the audit keeps what it was.
    pub async fn delete_task_item(&self, who: &Who, id: i64, version: i32) -> Result<()> {
        let txn = self.begin_write().await?;
        let before = task_item::Entity::find_by_id(id).one(&txn).await?.ok_or_else(|| StoreError::NotFound("没有这项任务".into()))?;
        if before.version != version {
            return Err(stale(before.version));
        }
        task_item::Entity::delete_by_id(id).exec(&txn).await?;
        audit::append(&txn, who, Event::new("delete", "task_item", id).change(Some(&before), None).detail(before.title.clone())).await?;
        txn.commit().await?;
        Ok(())
    }

    /// The demo's list for taking over industry moving from the east: two items per county, some
    /// done, some overdue, dated around `today`.
    pub async fn seed_task_list(&self, who: &Who, today: NaiveDate) -> Result<task_list::Model> {
        let list = self
            .create_task_list(who, today.year(), "承接东部产业转移任务清单", "对接长三角、珠三角、京津冀产业转移，各县区年内至少签约一个东部转移项目；完成后在本页标记完成，市局每周调度。")
            .await?;
        let counties = unit::Entity::find().filter(unit::Column::Kind.eq("county")).filter(unit::Column::Active.eq(true)).order_by_asc(unit::Column::Code).all(&self.db).await?;
        let regions = ["长三角", "珠三角", "京津冀"];
        for (n, u) in counties.iter().enumerate() {
            let region = regions[n % regions.len()];
            let visit = TaskInput { unit_id: u.id, title: format!("赴{region}开展承接产业转移专题招商活动不少于 1 次"), due_on: today - Duration::days(15), note: String::new() };
            let sign = TaskInput {
                unit_id: u.id,
                title: format!("签约{region}转移项目不少于 1 个（总投资 1 亿元以上）"),
                due_on: if n % 4 == 1 { today - Duration::days(5) } else { today + Duration::days(60) },
                note: "以签约合同为准，签约后须经市局实地核查。".into(),
            };
            let visit = self.add_task_item(who, list.id, &visit).await?;
            let sign = self.add_task_item(who, list.id, &sign).await?;
            if n % 3 != 2 {
                self.set_task_done(who, visit.id, visit.version, true).await?;
            }
            if n % 4 == 0 {
                self.set_task_done(who, sign.id, sign.version, true).await?;
            }
        }
        Ok(list)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_table() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        // (status, due, today, state): a task due today is not yet overdue; done is done however late.
        let cases = [
            ("open", "2026-03-31", "2026-03-30", TaskState::Open),
            ("open", "2026-03-31", "2026-03-31", TaskState::Open),
            ("open", "2026-03-31", "2026-04-01", TaskState::Overdue),
            ("done", "2026-03-31", "2026-05-01", TaskState::Done),
            ("done", "2026-03-31", "2026-03-01", TaskState::Done),
        ];
        for (status, due, today, state) in cases {
            assert_eq!(TaskState::of(status, d(due), d(today)), state, "{status} {due} {today}");
        }
        for s in [TaskState::Open, TaskState::Done, TaskState::Overdue] {
            assert_eq!(TaskState::parse(s.code()), Some(s));
        }
        assert_eq!(TaskState::parse("late"), None);
    }
}
