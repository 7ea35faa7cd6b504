//! `zhaoshang load`: a load test over HTTP against a running server, as the people of a province
//! use it: county officers on their home page, target and project lists and records, search, the
//! bureau on the project register, the leaders' cockpit, and scripts on the API reading lists and
//! records and writing follow-ups. Reports sustained requests per second, p50/p95/p99/max per kind
//! and overall, errors, and (with `--pid`) the server's memory over time for a soak.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use tokio::sync::Mutex;

use domain::access::Visibility;
use store::{Store, Who};

use crate::generate;

/// One kind of request in the mix, with its weight.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Home,
    TargetList,
    Target,
    ProjectList,
    Project,
    Enterprise,
    Search,
    Cockpit,
    ApiProjects,
    ApiTargets,
    ApiProject,
    ApiFollowUp,
    Me,
}

const MIX: [(Kind, &str, u32); 12] = [
    (Kind::Home, "page: home (officer)", 12),
    (Kind::TargetList, "page: target list (officer)", 12),
    (Kind::Target, "page: a target (officer)", 10),
    (Kind::ProjectList, "page: project register (bureau)", 8),
    (Kind::Project, "page: a project (officer)", 10),
    (Kind::Enterprise, "page: a company", 6),
    (Kind::Search, "page: search (officer)", 6),
    (Kind::Cockpit, "page: cockpit (leader)", 4),
    (Kind::ApiProjects, "api: GET /projects", 10),
    (Kind::ApiTargets, "api: GET /targets", 8),
    (Kind::ApiProject, "api: GET /projects/{id}", 8),
    (Kind::ApiFollowUp, "api: POST /followups", 6),
];

/// The floor: the cheapest signed-in request there is (a script reading who it is), sent alone.
/// What the server, the HTTP stack and the load client on the same two cores can do at best.
const FLOOR: [(Kind, &str, u32); 1] = [(Kind::Me, "api: GET /me (floor)", 1)];

/// A county officer with the records of their unit the load reads.
struct Officer {
    page: reqwest::Client,
    token: String,
    targets: Vec<i64>,
    projects: Vec<i64>,
    enterprises: Vec<i64>,
    names: Vec<String>,
}

struct Actors {
    officers: Vec<Officer>,
    bureau: reqwest::Client,
    leader: reqwest::Client,
}

/// Signs in through the sign-in form as a browser does; the client keeps the session cookie.
async fn browser(base: &str, username: &str) -> anyhow::Result<reqwest::Client> {
    let client = reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).pool_max_idle_per_host(64).build()?;
    let page = client.get(format!("{base}/login")).send().await?.text().await?;
    let marker = "name=\"csrf_token\" value=\"";
    let start = page.find(marker).map(|i| i + marker.len()).context("the sign-in page has no CSRF token")?;
    let csrf = page[start..].split('"').next().unwrap_or_default().to_string();
    let response = client
        .post(format!("{base}/login"))
        .form(&[("username", username), ("password", &generate::demo_password()), ("csrf_token", &csrf), ("next", "/")])
        .send()
        .await?;
    if response.status() != reqwest::StatusCode::SEE_OTHER {
        bail!("{username} could not sign in ({})", response.status());
    }
    Ok(client)
}

async fn actors(store: &Store, base: &str, officers: usize) -> anyhow::Result<Actors> {
    let mut chosen = Vec::new();
    for unit in store.units().await?.into_iter().filter(|u| u.kind == "county") {
        if chosen.len() == officers {
            break;
        }
        let username = format!("officer-{}", unit.code);
        let Some(user) = store.user_by_name(&username).await? else { continue };
        let targets = store.list_targets(Visibility::Unit(unit.id), &store::targets::TargetFilter { per_page: 200, ..Default::default() }).await?.0;
        let projects = store.list_projects(Visibility::Unit(unit.id), &store::projects::ProjectFilter { unit_id: Some(unit.id), per_page: 200, ..Default::default() }, true).await?.0;
        if targets.is_empty() || projects.is_empty() {
            continue;
        }
        let token = store.create_token(&Who::system("load"), user.id, "压力测试", 1).await?.secret;
        chosen.push(Officer {
            page: browser(base, &username).await?,
            token,
            enterprises: targets.iter().map(|t| t.enterprise.id).collect(),
            names: targets.iter().map(|t| t.enterprise.name.chars().skip(2).take(2).collect::<String>()).filter(|n| n.chars().count() == 2).collect(),
            targets: targets.iter().map(|t| t.target.id).collect(),
            projects: projects.iter().map(|p| p.project.id).collect(),
        });
    }
    if chosen.is_empty() {
        bail!("no county officer with targets and projects: generate data first (zhaoshang gen --scale province)");
    }
    Ok(Actors { officers: chosen, bureau: browser(base, "bureau").await?, leader: browser(base, "leader").await? })
}

/// A small deterministic generator, so that two runs send the same requests.
struct Xorshift(u64);

impl Xorshift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next() % items.len() as u64) as usize]
    }
}

fn pick_kind(mix: &[(Kind, &str, u32)], rng: &mut Xorshift) -> Kind {
    let total: u32 = mix.iter().map(|m| m.2).sum();
    let mut at = (rng.next() % u64::from(total.max(1))) as u32;
    for &(kind, _, weight) in mix {
        if at < weight {
            return kind;
        }
        at -= weight;
    }
    mix[0].0
}

/// `serial` is (this run, the request's number in it): a follow-up's idempotency key must differ
/// from every earlier run's, or a repeated run would only replay the first one's writes.
async fn one(base: &str, actors: &Actors, kind: Kind, rng: &mut Xorshift, serial: (u64, u64)) -> Result<(), String> {
    let o = rng.pick(&actors.officers);
    let request = match kind {
        Kind::Home => o.page.get(format!("{base}/")),
        Kind::TargetList => o.page.get(format!("{base}/targets?sort=contact&page={}", 1 + rng.next() % 3)),
        Kind::Target => o.page.get(format!("{base}/targets/{}", rng.pick(&o.targets))),
        Kind::ProjectList => actors.bureau.get(format!("{base}/projects?page={}", 1 + rng.next() % 5)),
        Kind::Project => o.page.get(format!("{base}/projects/{}", rng.pick(&o.projects))),
        Kind::Enterprise => o.page.get(format!("{base}/enterprises/{}", rng.pick(&o.enterprises))),
        Kind::Search => {
            let q = if o.names.is_empty() { "科技".to_string() } else { rng.pick(&o.names).clone() };
            o.page.get(format!("{base}/search")).query(&[("q", q)])
        }
        Kind::Cockpit => actors.leader.get(format!("{base}/cockpit")),
        Kind::ApiProjects => o.page.get(format!("{base}/api/v1/projects?limit=20")).bearer_auth(&o.token),
        Kind::ApiTargets => o.page.get(format!("{base}/api/v1/targets?limit=20&sort=contact")).bearer_auth(&o.token),
        Kind::ApiProject => o.page.get(format!("{base}/api/v1/projects/{}", rng.pick(&o.projects))).bearer_auth(&o.token),
        Kind::Me => o.page.get(format!("{base}/api/v1/me")).bearer_auth(&o.token),
        Kind::ApiFollowUp => o
            .page
            .post(format!("{base}/api/v1/followups"))
            .bearer_auth(&o.token)
            .json(&serde_json::json!({ "enterprise_id": rng.pick(&o.enterprises), "kind": "call", "summary": "压力测试：电话了解企业近况", "client_key": format!("load-{:x}-{:x}-{:08x}", serial.0, serial.1, rng.next() as u32) })),
    };
    let response = request.send().await.map_err(|e| format!("transport: {e}"))?;
    let status = response.status();
    let body = response.bytes().await.map_err(|e| format!("body: {e}"))?;
    if !status.is_success() || body.is_empty() {
        return Err(format!("{status}"));
    }
    Ok(())
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

fn rss_mib(pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let kb: f64 = status.lines().find(|l| l.starts_with("VmRSS:"))?.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

pub struct Options {
    pub url: String,
    pub seconds: u64,
    pub connections: usize,
    pub officers: usize,
    pub pid: Option<u32>,
    pub sample_seconds: u64,
    /// Send only the floor request instead of the mix.
    pub floor: bool,
    /// Send only the kinds of the mix whose name contains this (with their weights).
    pub only: Option<String>,
}

/// The overall figures of a run.
pub struct Outcome {
    pub requests_per_second: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub errors: usize,
    /// The largest of the memory samples, in MiB (with `pid`).
    pub peak_rss_mib: Option<f64>,
}

/// Runs the mix for `seconds` with `connections` requests in flight, then prints the figures.
pub async fn run(store: &Store, o: Options) -> anyhow::Result<Outcome> {
    let base = o.url.trim_end_matches('/').to_string();
    let actors = Arc::new(actors(store, &base, o.officers).await?);
    println!("负载：{} 个并发连接，{} 秒，{} 个县区专员、市局、领导；请求组成：", o.connections, o.seconds, actors.officers.len());
    // --only names one kind exactly, or picks every kind whose name contains it.
    let exact = |only: &str| MIX.iter().any(|m| m.1 == only);
    let chosen = |name: &str| o.only.as_deref().is_none_or(|only| if exact(only) { name == only } else { name.contains(only) });
    let mix: Vec<(Kind, &'static str, u32)> = if o.floor { FLOOR.to_vec() } else { MIX.iter().copied().filter(|m| chosen(m.1)).collect() };
    if mix.is_empty() {
        bail!("no kind of request in the mix matches --only");
    }
    let mix = Arc::new(mix);
    for (_, name, weight) in mix.iter() {
        println!("  {weight:>3}  {name}");
    }
    let times: Arc<Mutex<Vec<(Kind, Duration)>>> = Arc::new(Mutex::new(Vec::with_capacity(1 << 20)));
    let errors: Arc<Mutex<Vec<(Kind, String)>>> = Arc::new(Mutex::new(Vec::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let run = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64);
    let mut workers = Vec::new();
    for w in 0..o.connections {
        let (actors, times, errors, stop, base, mix) = (actors.clone(), times.clone(), errors.clone(), stop.clone(), base.clone(), mix.clone());
        workers.push(tokio::spawn(async move {
            let mut rng = Xorshift(0x9E37_79B9_7F4A_7C15 ^ (w as u64 + 1).wrapping_mul(0x2545_F491_4F6C_DD1D));
            let mut mine = Vec::new();
            let mut failed = Vec::new();
            let mut serial = (w as u64) << 40;
            while !stop.load(Ordering::Relaxed) {
                let kind = pick_kind(&mix, &mut rng);
                let t0 = Instant::now();
                serial += 1;
                match one(&base, &actors, kind, &mut rng, (run, serial)).await {
                    Ok(()) => mine.push((kind, t0.elapsed())),
                    Err(e) => failed.push((kind, e)),
                }
            }
            times.lock().await.extend(mine);
            errors.lock().await.extend(failed);
        }));
    }
    // Memory over time while it runs.
    let mut samples = Vec::new();
    let deadline = started + Duration::from_secs(o.seconds);
    while Instant::now() < deadline {
        let step = Duration::from_secs(o.sample_seconds.max(1)).min(deadline - Instant::now());
        tokio::time::sleep(step).await;
        if let Some(pid) = o.pid {
            samples.push((started.elapsed().as_secs(), rss_mib(pid).unwrap_or(0.0)));
        }
    }
    stop.store(true, Ordering::Relaxed);
    for w in workers {
        w.await?;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let times = times.lock().await;
    let errors = errors.lock().await;
    let total = times.len() + errors.len();
    println!();
    println!("| 请求 | 次数 | 错误 | p50 ms | p95 ms | p99 ms | max ms |");
    println!("|---|---|---|---|---|---|---|");
    let mut all: Vec<Duration> = times.iter().map(|t| t.1).collect();
    all.sort();
    for &(kind, name, _) in mix.iter() {
        let mut own: Vec<Duration> = times.iter().filter(|t| t.0 == kind).map(|t| t.1).collect();
        own.sort();
        let failed = errors.iter().filter(|e| e.0 == kind).count();
        println!("| {name} | {} | {failed} | {:.1} | {:.1} | {:.1} | {:.1} |", own.len() + failed, percentile(&own, 0.5), percentile(&own, 0.95), percentile(&own, 0.99), percentile(&own, 1.0));
    }
    println!("| **all** | {total} | {} | {:.1} | {:.1} | {:.1} | {:.1} |", errors.len(), percentile(&all, 0.5), percentile(&all, 0.95), percentile(&all, 0.99), percentile(&all, 1.0));
    println!();
    println!("sustained: {:.0} requests/s over {elapsed:.0} s; errors: {}", total as f64 / elapsed, errors.len());
    for (kind, e) in errors.iter().take(5) {
        println!("  error ({kind:?}): {e}");
    }
    if !samples.is_empty() {
        println!("server memory (RSS) over time: {}", samples.iter().map(|(s, m)| format!("{s}s {m:.0} MiB")).collect::<Vec<_>>().join(", "));
    }
    Ok(Outcome {
        requests_per_second: total as f64 / elapsed,
        p50_ms: percentile(&all, 0.5),
        p99_ms: percentile(&all, 0.99),
        errors: errors.len(),
        peak_rss_mib: samples.iter().map(|s| s.1).reduce(f64::max),
    })
}
