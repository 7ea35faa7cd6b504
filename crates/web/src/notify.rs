//! The reminder worker, beside the server and never on a request: every few minutes it works out
//! the reminder rules (store::notifications), and every few seconds it sends what the outbox
//! holds — WeCom and DingTalk robots by webhook, e-mail by SMTP — with a time-out on every send, a
//! per-robot rate limit, and retries with back-off. Every instance may run it: a delivery is sent
//! by the one sender whose claim on it succeeded.

use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::extension::ClientId;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use domain::notify::{self, ChannelKind};
use store::notifications::{Due, Outcome};
use store::Store;

use crate::{AppState, Config};

/// What one pass over the outbox did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pass {
    pub sent: usize,
    pub failed: usize,
    /// Left for the next pass: the robot's per-minute limit was reached.
    pub deferred: usize,
}

struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

/// Sends due deliveries. `now` is passed in, so tests can move the clock past a back-off
/// instead of waiting for it.
pub struct Sender {
    store: Store,
    http: reqwest::Client,
    mailer: Result<Mailer, String>,
    public_url: String,
    name: String,
    timeout: Duration,
    per_minute: u64,
}

fn mailer(config: &Config, timeout: Duration) -> Result<Mailer, String> {
    let smtp = &config.smtp;
    if smtp.host.trim().is_empty() {
        return Err("系统未配置邮件服务器（smtp.host），无法发送邮件".into());
    }
    let from: Mailbox = smtp.from.parse().map_err(|e| format!("发件人地址 smtp.from 无效：{e}"))?;
    let builder = if smtp.starttls {
        AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&smtp.host).map_err(|e| format!("邮件服务器 smtp.host 无效：{e}"))?
    } else {
        AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(smtp.host.clone())
    };
    let mut builder = builder.port(smtp.port).timeout(Some(timeout));
    if !smtp.username.is_empty() {
        builder = builder.credentials(Credentials::new(smtp.username.clone(), smtp.password.clone()));
    }
    // Greet the mail server with our public host name when we know it.
    let host = config.server.public_url.split("://").nth(1).and_then(|rest| rest.split(['/', ':']).next()).filter(|h| !h.is_empty());
    if let Some(host) = host {
        builder = builder.hello_name(ClientId::Domain(host.to_string()));
    }
    Ok(Mailer { transport: builder.build(), from })
}

impl Sender {
    pub fn new(store: Store, config: &Config) -> Sender {
        let timeout = Duration::from_secs(config.notifications.timeout_seconds.max(1));
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            // A webhook answers itself; a redirect elsewhere is not followed with the robot's key.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent("zhaoshang-reminders")
            .build()
            .unwrap_or_default();
        let mailer = mailer(config, timeout);
        // Say so only when e-mail was meant to work.
        if let (Err(e), false) = (&mailer, config.smtp.host.is_empty()) {
            tracing::warn!(error = %e, "e-mail reminders are not available");
        }
        Sender {
            store,
            http,
            mailer,
            public_url: config.server.public_url.clone(),
            name: format!("{}-{}", std::process::id(), &store::passwords::random_token()[..8]),
            timeout,
            per_minute: config.notifications.per_channel_per_minute.max(1),
        }
    }

    /// The name this sender claims deliveries under (one per instance).
    pub fn named(mut self, name: &str) -> Sender {
        self.name = name.to_string();
        self
    }

    /// Sends every delivery due at `now` that this sender can claim, within each robot's
    /// per-minute limit; records each outcome (a failure is retried later, see
    /// `domain::notify::RETRY_SCHEDULE`).
    pub async fn deliver_due(&self, now: DateTime<Utc>) -> store::Result<Pass> {
        let mut pass = Pass::default();
        let mut budget: HashMap<i64, u64> = HashMap::new();
        let mut deferred = Vec::new();
        let lease = chrono::Duration::from_std(self.timeout * 3).unwrap_or_default() + chrono::Duration::seconds(60);
        for due in self.store.due_deliveries(now, 100).await? {
            let kind = ChannelKind::parse(&due.channel.kind).unwrap_or(ChannelKind::Email);
            if kind != ChannelKind::Email {
                let left = match budget.get(&due.channel.id) {
                    Some(left) => *left,
                    None => self.per_minute.saturating_sub(self.store.sent_since(due.channel.id, now - chrono::Duration::seconds(60)).await?),
                };
                if left == 0 {
                    deferred.push(due.delivery.id);
                    continue;
                }
                budget.insert(due.channel.id, left - 1);
            }
            if !self.store.claim_delivery(due.delivery.id, &self.name, now, now + lease).await? {
                continue;
            }
            let outcome = if due.channel.enabled { self.attempt(&due, kind, now).await } else { Outcome::Cancelled("渠道已停用，未发送".into()) };
            match &outcome {
                Outcome::Sent => pass.sent += 1,
                Outcome::Failed(e) | Outcome::Permanent(e) => {
                    pass.failed += 1;
                    tracing::warn!(delivery = due.delivery.id, channel = due.channel.id, error = %e, "sending a reminder failed");
                }
                Outcome::Cancelled(_) => {}
            }
            self.store.finish_delivery(due.delivery.id, &self.name, now, &outcome).await?;
        }
        pass.deferred = deferred.len();
        self.store.defer_deliveries(&deferred, now, now + chrono::Duration::seconds(60)).await?;
        Ok(pass)
    }

    async fn attempt(&self, due: &Due, kind: ChannelKind, now: DateTime<Utc>) -> Outcome {
        let d = &due.delivery;
        let link = notify::absolute_link(&self.public_url, &d.link);
        let sending = async {
            match kind {
                ChannelKind::Wecom => self.post(&due.channel.address, &notify::wecom_markdown(&d.title, &d.body, link.as_deref())).await,
                ChannelKind::Dingtalk => {
                    let url = notify::dingtalk_url(&due.channel.address, &due.channel.secret, now.timestamp_millis());
                    self.post(&url, &notify::dingtalk_markdown(&d.title, &d.body, link.as_deref())).await
                }
                ChannelKind::Email => self.mail(&due.channel.address, &d.title, &d.body, link.as_deref()).await,
            }
        };
        // Every send has its own time-outs; this one bounds the whole attempt.
        match tokio::time::timeout(self.timeout * 2, sending).await {
            Ok(outcome) => outcome,
            Err(_) => Outcome::Failed(format!("超过 {} 秒没有完成", (self.timeout * 2).as_secs())),
        }
    }

    async fn post(&self, url: &str, payload: &serde_json::Value) -> Outcome {
        // Errors are described without the URL: it carries the robot's key.
        let response = match self.http.post(url).json(payload).send().await {
            Ok(r) => r,
            Err(e) if e.is_timeout() => return Outcome::Failed(format!("平台在 {} 秒内没有响应", self.timeout.as_secs())),
            Err(e) if e.is_builder() => return Outcome::Permanent(format!("Webhook 地址无效：{}", e.without_url())),
            Err(e) => return Outcome::Failed(format!("无法连接平台：{}", e.without_url())),
        };
        let status = response.status().as_u16();
        let body = match response.bytes().await {
            Ok(b) => String::from_utf8_lossy(&b[..b.len().min(4096)]).into_owned(),
            Err(e) => return Outcome::Failed(format!("读取平台应答失败：{}", e.without_url())),
        };
        match notify::robot_reply(status, &body) {
            Ok(()) => Outcome::Sent,
            Err(e) => Outcome::Failed(e),
        }
    }

    async fn mail(&self, to: &str, title: &str, body: &str, link: Option<&str>) -> Outcome {
        let mailer = match &self.mailer {
            Ok(m) => m,
            Err(e) => return Outcome::Permanent(e.clone()),
        };
        let to: Mailbox = match to.parse() {
            Ok(m) => m,
            Err(e) => return Outcome::Permanent(format!("收件地址无效：{e}")),
        };
        let (subject, text) = notify::email_text(title, body, link);
        let message = match Message::builder().from(mailer.from.clone()).to(to).subject(subject).header(ContentType::TEXT_PLAIN).body(text) {
            Ok(m) => m,
            Err(e) => return Outcome::Permanent(format!("邮件无法生成：{e}")),
        };
        match mailer.transport.send(message).await {
            Ok(_) => Outcome::Sent,
            Err(e) if e.is_permanent() => Outcome::Permanent(format!("邮件服务器拒收：{e}")),
            Err(e) => Outcome::Failed(format!("邮件发送失败：{e}")),
        }
    }
}

/// The worker loop (spawned by `Application::run_until_stopped` when `notifications.worker`).
pub async fn run(state: AppState) {
    let config = &state.config.notifications;
    if !config.worker {
        return;
    }
    let sender = Sender::new(state.store.clone(), &state.config);
    let every = Duration::from_secs(config.evaluate_minutes.max(1) * 60);
    let mut tick = tokio::time::interval(Duration::from_secs(config.tick_seconds.max(1)));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut evaluated: Option<tokio::time::Instant> = None;
    loop {
        tick.tick().await;
        if evaluated.is_none_or(|at| at.elapsed() >= every) {
            evaluated = Some(tokio::time::Instant::now());
            match state.store.evaluate_reminders(Utc::now()).await {
                Ok(e) if e.notifications + e.deliveries > 0 => tracing::info!(notifications = e.notifications, deliveries = e.deliveries, "reminders worked out"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "working out reminders failed"),
            }
        }
        match sender.deliver_due(Utc::now()).await {
            Ok(p) if p.sent + p.failed > 0 => tracing::info!(sent = p.sent, failed = p.failed, deferred = p.deferred, "reminders sent"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "sending reminders failed"),
        }
    }
}
