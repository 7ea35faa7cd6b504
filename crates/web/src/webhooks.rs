//! The webhook worker, beside the server and never on a request: every few seconds it turns new
//! audit entries and overdue requests into deliveries (store::webhooks), then posts what is due,
//! signed, with a time-out on every post and retries with back-off. Every instance may run it: a
//! delivery is sent by the one sender whose claim on it succeeded.

use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, Utc};

use domain::webhook::{self as rules, Standing};
use store::webhooks::{Attempt, Dispatched, DueWebhook, Seen};
use store::Store;

use crate::{AppState, Config};

/// What one pass did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pass {
    /// Deliveries added by the dispatcher.
    pub enqueued: u64,
    pub delivered: usize,
    pub failed: usize,
    /// Not sent: the subscription or its owner's account is switched off.
    pub cancelled: usize,
    /// Put off until the owner's account is unlocked.
    pub deferred: usize,
}

/// Dispatches and sends. `now` is passed in, so tests can move the clock past a back-off
/// instead of waiting for it.
pub struct WebhookSender {
    store: Store,
    http: reqwest::Client,
    public_url: String,
    name: String,
    timeout: Duration,
    /// Audit entries this instance has dispatched (see `store::webhooks::Seen`).
    seen: Mutex<Seen>,
}

impl WebhookSender {
    pub fn new(store: Store, config: &Config) -> WebhookSender {
        let timeout = Duration::from_secs(config.notifications.timeout_seconds.max(1));
        // The same client set-up as the reminder robots (crate::notify): time-outs on connecting
        // and on the whole call, and no redirects, which would carry the signed body elsewhere.
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent("zhaoshang-webhooks")
            .build()
            .unwrap_or_default();
        WebhookSender {
            store,
            http,
            public_url: config.server.public_url.clone(),
            name: format!("{}-{}", std::process::id(), &store::passwords::random_token()[..8]),
            timeout,
            seen: Mutex::default(),
        }
    }

    /// The name this sender claims deliveries under (one per instance).
    pub fn named(mut self, name: &str) -> WebhookSender {
        self.name = name.to_string();
        self
    }

    /// Turns audit entries and overdue requests into deliveries (see `Store::dispatch_webhooks`).
    pub async fn dispatch(&self, now: DateTime<Utc>) -> store::Result<Dispatched> {
        // Not held across the await: a concurrent call starts from an empty memory, which only
        // costs it rereading.
        let mut seen = std::mem::take(&mut *self.seen.lock().unwrap_or_else(|e| e.into_inner()));
        let result = self.store.dispatch_webhooks(now, &self.public_url, &mut seen).await;
        *self.seen.lock().unwrap_or_else(|e| e.into_inner()) = seen;
        result
    }

    /// Posts every delivery due at `now` that this sender can claim and records each outcome (a
    /// failure is retried later, see `domain::webhook::RETRY_SCHEDULE`).
    pub async fn deliver_due(&self, now: DateTime<Utc>) -> store::Result<Pass> {
        let mut pass = Pass::default();
        let lease = chrono::Duration::from_std(self.timeout * 3).unwrap_or_default() + chrono::Duration::seconds(60);
        for due in self.store.due_webhook_deliveries(now, 100).await? {
            let id = due.delivery.id;
            let standing = if due.subscription.active { due.subscriber.standing(now) } else { Standing::Stopped("推送订阅已停用，未推送") };
            if let Standing::WaitUntil(until) = standing {
                if self.store.defer_webhook_delivery(id, now, until).await? {
                    pass.deferred += 1;
                }
                continue;
            }
            if !self.store.claim_webhook_delivery(id, &self.name, now, now + lease).await? {
                continue;
            }
            let attempt = match standing {
                Standing::Stopped(why) => Attempt::Cancelled(why.to_string()),
                _ => self.attempt(&due, now).await,
            };
            match &attempt {
                Attempt::Delivered { .. } => pass.delivered += 1,
                Attempt::Failed { error, .. } => {
                    pass.failed += 1;
                    tracing::warn!(delivery = id, subscription = due.subscription.id, error = %error, "a webhook delivery failed");
                }
                Attempt::Cancelled(_) => pass.cancelled += 1,
            }
            self.store.finish_webhook_delivery(id, &self.name, now, &attempt).await?;
        }
        Ok(pass)
    }

    /// One whole pass: dispatch, then send what is due.
    pub async fn pass(&self, now: DateTime<Utc>) -> store::Result<Pass> {
        let dispatched = self.dispatch(now).await?;
        let mut pass = self.deliver_due(now).await?;
        pass.enqueued = dispatched.enqueued;
        Ok(pass)
    }

    async fn attempt(&self, due: &DueWebhook, now: DateTime<Utc>) -> Attempt {
        let d = &due.delivery;
        let signature = rules::signature(&due.subscription.secret, now.timestamp(), &d.payload);
        let request = self
            .http
            .post(&due.subscription.url)
            .header(reqwest::header::CONTENT_TYPE, "application/json; charset=utf-8")
            .header(rules::EVENT_HEADER, &d.event_type)
            .header(rules::DELIVERY_HEADER, d.id.to_string())
            .header(rules::SIGNATURE_HEADER, signature)
            .body(d.payload.clone());
        // Every post has its own time-outs; this one bounds the whole attempt, reading included.
        let sending = async {
            // Errors are described without the URL: its query may carry the receiver's key.
            let response = match request.send().await {
                Ok(r) => r,
                Err(e) if e.is_timeout() => return Attempt::Failed { status: None, error: format!("接收方在 {} 秒内没有响应", self.timeout.as_secs()) },
                Err(e) if e.is_connect() => return Attempt::Failed { status: None, error: format!("无法连接接收方：{}", e.without_url()) },
                Err(e) => return Attempt::Failed { status: None, error: format!("推送失败：{}", e.without_url()) },
            };
            let status = response.status().as_u16();
            // The answer's body is not kept: the log shows the status only, so that the address
            // cannot be used to read another internal service's answers.
            drop(response);
            match rules::reply_error(status) {
                None => Attempt::Delivered { status },
                Some(error) => Attempt::Failed { status: Some(status), error },
            }
        };
        match tokio::time::timeout(self.timeout * 2, sending).await {
            Ok(attempt) => attempt,
            Err(_) => Attempt::Failed { status: None, error: format!("超过 {} 秒没有完成", (self.timeout * 2).as_secs()) },
        }
    }
}

/// The worker loop (spawned by `Application::run_until_stopped` when `notifications.worker`,
/// which switches both kinds of outgoing message on and off).
pub async fn run(state: AppState) {
    let config = &state.config.notifications;
    if !config.worker {
        return;
    }
    let sender = WebhookSender::new(state.store.clone(), &state.config);
    // Webhooks are for machines that act on events: every few seconds, sooner if ticks are set so.
    let mut tick = tokio::time::interval(Duration::from_secs(config.tick_seconds.clamp(1, 5)));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut purged: Option<tokio::time::Instant> = None;
    loop {
        tick.tick().await;
        match sender.pass(Utc::now()).await {
            Ok(p) if p.enqueued > 0 || p.delivered + p.failed + p.cancelled > 0 => {
                tracing::info!(enqueued = p.enqueued, delivered = p.delivered, failed = p.failed, cancelled = p.cancelled, "webhooks sent")
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "sending webhooks failed"),
        }
        if purged.is_none_or(|at| at.elapsed() >= Duration::from_secs(3600)) {
            purged = Some(tokio::time::Instant::now());
            if let Err(e) = state.store.purge_webhook_deliveries(Utc::now()).await {
                tracing::warn!(error = %e, "purging old webhook deliveries failed");
            }
        }
    }
}
