//! Configuration: compiled-in defaults, then an optional TOML file, then `ZS__SECTION__KEY`
//! environment variables, in that order. An unknown key anywhere is an error that names it.

use std::path::Path;

use domain::password::PasswordPolicy;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub server: ServerConfig,
    pub database: DatabaseConfig,
    pub security: SecurityConfig,
    pub password: PasswordPolicy,
    pub audit: AuditConfig,
    pub ops: OpsConfig,
    pub log: LogConfig,
    pub import: ImportConfig,
    pub notifications: NotificationsConfig,
    pub smtp: SmtpConfig,
    pub search: SearchConfig,
    pub api: ApiConfig,
}

/// The open API's limits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ApiConfig {
    /// Requests one token may make per minute (a burst of as many, refilled evenly).
    pub requests_per_minute: u32,
    /// Hours an `Idempotency-Key` and its first answer are kept.
    pub idempotency_hours: i64,
}

impl Default for ApiConfig {
    fn default() -> Self {
        ApiConfig { requests_per_minute: 600, idempotency_hours: 24 }
    }
}

/// Where this instance keeps its search index (a cache of the database; each instance has its own).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct SearchConfig {
    /// A folder; empty: beside the SQLite file (`<file>.search`), or `search-index` for
    /// PostgreSQL; `:memory:` keeps it in memory and rebuilds it at every start.
    pub dir: String,
}

impl SearchConfig {
    /// The folder of the index, or `None` to keep it in memory.
    pub fn folder(&self, database_url: &str) -> Option<std::path::PathBuf> {
        match self.dir.trim() {
            ":memory:" => None,
            "" => match database_url.strip_prefix("sqlite://").map(|p| p.split('?').next().unwrap_or(p)) {
                Some(":memory:") => None,
                Some(file) => Some(std::path::PathBuf::from(format!("{file}.search"))),
                None => Some(std::path::PathBuf::from("search-index")),
            },
            dir => Some(std::path::PathBuf::from(dir)),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServerConfig {
    /// Address to listen on.
    pub bind: String,
    /// The address users reach, e.g. https://zs.example.gov.cn; https makes cookies Secure.
    pub public_url: String,
    /// Load balancers whose X-Forwarded-For / X-Forwarded-Proto are believed.
    pub trusted_proxies: Vec<String>,
    /// Seconds in-flight requests get to finish after SIGTERM.
    pub shutdown_grace_seconds: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DatabaseConfig {
    pub url: String,
    pub max_connections: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SecurityConfig {
    pub idle_timeout_minutes: i64,
    pub absolute_timeout_hours: i64,
    pub lockout_threshold: i32,
    pub lockout_minutes: i64,
    /// Failed sign-ins from one address within `login_throttle_minutes` before it must wait.
    pub login_throttle_per_ip: u64,
    pub login_throttle_minutes: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AuditConfig {
    /// Days audit entries are kept; at least 180.
    pub retention_days: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OpsConfig {
    /// Bearer token for /metrics from other hosts; loopback needs none. Empty: loopback only.
    pub metrics_token: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LogConfig {
    /// `text` or `json`.
    pub format: String,
    /// A tracing filter, e.g. `info,web=debug`.
    pub filter: String,
}

/// What one import may take, on the pages and on the command line alike.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ImportConfig {
    /// Largest file, in MB.
    pub max_file_mb: u64,
    /// Most data rows (titles, the header and blank rows not counted).
    pub max_rows: u64,
}

impl ImportConfig {
    pub fn max_bytes(&self) -> usize {
        usize::try_from(self.max_file_mb.saturating_mul(1024 * 1024)).unwrap_or(usize::MAX)
    }

    pub fn max_rows(&self) -> usize {
        usize::try_from(self.max_rows).unwrap_or(usize::MAX)
    }
}

impl Default for ImportConfig {
    fn default() -> Self {
        ImportConfig { max_file_mb: 50, max_rows: 200_000 }
    }
}

/// The reminder worker: working out the rules and sending through the outbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NotificationsConfig {
    /// Whether this instance works out reminders and sends them (any number of instances may).
    pub worker: bool,
    /// Seconds between looks at the outbox.
    pub tick_seconds: u64,
    /// Minutes between workings-out of the reminder rules.
    pub evaluate_minutes: u64,
    /// Seconds one webhook call or e-mail may take.
    pub timeout_seconds: u64,
    /// Messages per minute to one robot (WeCom and DingTalk accept 20).
    pub per_channel_per_minute: u64,
}

/// The mail server for e-mail reminders; empty `host`: no e-mail.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    /// The sender, e.g. 招商提醒 <zs@example.gov.cn>.
    pub from: String,
    pub username: String,
    pub password: String,
    /// STARTTLS required (true), or plain SMTP to a relay on the local network (false).
    pub starttls: bool,
}

impl std::fmt::Debug for SmtpConfig {
    /// Never the password, should a config ever be logged.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("from", &self.from)
            .field("username", &self.username)
            .field("password", &if self.password.is_empty() { "" } else { "***" })
            .field("starttls", &self.starttls)
            .finish()
    }
}

impl Default for NotificationsConfig {
    fn default() -> Self {
        NotificationsConfig { worker: true, tick_seconds: 30, evaluate_minutes: 10, timeout_seconds: 10, per_channel_per_minute: 15 }
    }
}

impl Default for SmtpConfig {
    fn default() -> Self {
        SmtpConfig { host: String::new(), port: 587, from: String::new(), username: String::new(), password: String::new(), starttls: true }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            server: ServerConfig::default(),
            database: DatabaseConfig::default(),
            security: SecurityConfig::default(),
            password: PasswordPolicy::default(),
            audit: AuditConfig::default(),
            ops: OpsConfig::default(),
            log: LogConfig::default(),
            import: ImportConfig::default(),
            notifications: NotificationsConfig::default(),
            smtp: SmtpConfig::default(),
            search: SearchConfig::default(),
            api: ApiConfig::default(),
        }
    }
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            bind: "127.0.0.1:8080".into(),
            public_url: String::new(),
            trusted_proxies: Vec::new(),
            shutdown_grace_seconds: 20,
        }
    }
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        DatabaseConfig { url: "sqlite://data/zhaoshang.db".into(), max_connections: 16 }
    }
}

impl Default for SecurityConfig {
    fn default() -> Self {
        SecurityConfig {
            idle_timeout_minutes: 30,
            absolute_timeout_hours: 12,
            lockout_threshold: 5,
            lockout_minutes: 30,
            login_throttle_per_ip: 30,
            login_throttle_minutes: 15,
        }
    }
}

impl Default for AuditConfig {
    fn default() -> Self {
        AuditConfig { retention_days: 180 }
    }
}

impl Default for OpsConfig {
    fn default() -> Self {
        OpsConfig { metrics_token: String::new() }
    }
}

impl Default for LogConfig {
    fn default() -> Self {
        LogConfig { format: "text".into(), filter: "info".into() }
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error("无法读取配置文件 {path}：{reason}")]
    Read { path: String, reason: String },
    #[error("配置文件 {path} 有误：{reason}")]
    File { path: String, reason: String },
    #[error("未知的配置项 {0}（环境变量）")]
    UnknownEnv(String),
    #[error("环境变量 {name} 的值「{value}」不是有效的{expected}")]
    EnvValue { name: String, value: String, expected: &'static str },
    #[error("配置有误：{0}")]
    Invalid(String),
}

pub const ENV_PREFIX: &str = "ZS__";

impl Config {
    /// Defaults < `file` < environment variables named `ZS__SECTION__KEY`.
    pub fn load(file: Option<&Path>, env: impl IntoIterator<Item = (String, String)>) -> Result<Config, ConfigError> {
        let mut merged = toml::Value::try_from(Config::default()).map_err(|e| ConfigError::Invalid(e.to_string()))?;
        let defaults = merged.clone();
        let mut path_label = "（默认值）".to_string();
        if let Some(path) = file {
            path_label = path.display().to_string();
            let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Read { path: path_label.clone(), reason: e.to_string() })?;
            let table: toml::Table = text.parse().map_err(|e: toml::de::Error| ConfigError::File { path: path_label.clone(), reason: e.message().to_string() })?;
            merge(&mut merged, toml::Value::Table(table));
        }
        for (name, value) in env {
            let Some(rest) = name.strip_prefix(ENV_PREFIX) else { continue };
            let keys: Vec<String> = rest.split("__").map(|k| k.to_ascii_lowercase()).collect();
            let Some(default) = lookup(&defaults, &keys) else {
                return Err(ConfigError::UnknownEnv(name));
            };
            let parsed = match default {
                toml::Value::Integer(_) => value.trim().parse::<i64>().map(toml::Value::Integer).map_err(|_| "整数"),
                toml::Value::Boolean(_) => value.trim().parse::<bool>().map(toml::Value::Boolean).map_err(|_| "true/false"),
                toml::Value::Array(_) => Ok(toml::Value::Array(
                    value.split(',').map(str::trim).filter(|v| !v.is_empty()).map(|v| toml::Value::String(v.into())).collect(),
                )),
                toml::Value::Table(_) => Err("配置节（请指定其中的键）"),
                _ => Ok(toml::Value::String(value.clone())),
            }
            .map_err(|expected| ConfigError::EnvValue { name: name.clone(), value: value.clone(), expected })?;
            set(&mut merged, &keys, parsed);
        }
        let config: Config = merged
            .try_into()
            .map_err(|e: toml::de::Error| ConfigError::File { path: path_label, reason: e.message().to_string() })?;
        config.check()?;
        Ok(config)
    }

    fn check(&self) -> Result<(), ConfigError> {
        let bad = |m: &str| Err(ConfigError::Invalid(m.to_string()));
        if self.audit.retention_days < 180 {
            return bad("audit.retention_days 不能少于 180 天（等保要求）");
        }
        if self.security.idle_timeout_minutes < 1 || self.security.absolute_timeout_hours < 1 {
            return bad("security 的超时时间必须大于 0");
        }
        if self.security.lockout_threshold < 1 {
            return bad("security.lockout_threshold 必须大于 0");
        }
        if self.password.min_length < 8 {
            return bad("password.min_length 不能少于 8");
        }
        if self.import.max_file_mb < 1 || self.import.max_rows < 1 {
            return bad("import.max_file_mb 和 import.max_rows 必须大于 0");
        }
        if !matches!(self.log.format.as_str(), "text" | "json") {
            return bad("log.format 只能是 text 或 json");
        }
        let n = &self.notifications;
        if n.tick_seconds < 1 || n.evaluate_minutes < 1 || n.timeout_seconds < 1 || n.per_channel_per_minute < 1 {
            return bad("notifications 的时间间隔、超时和每分钟条数都必须大于 0");
        }
        if !self.smtp.host.is_empty() && self.smtp.from.is_empty() {
            return bad("设置了 smtp.host 时也要设置 smtp.from（发件人地址）");
        }
        Ok(())
    }

    pub fn cookies_secure(&self) -> bool {
        self.server.public_url.starts_with("https://")
    }
}

fn merge(base: &mut toml::Value, over: toml::Value) {
    match (base, over) {
        (toml::Value::Table(base), toml::Value::Table(over)) => {
            for (key, value) in over {
                match base.get_mut(&key) {
                    Some(existing) if existing.is_table() && value.is_table() => merge(existing, value),
                    _ => {
                        base.insert(key, value);
                    }
                }
            }
        }
        (base, over) => *base = over,
    }
}

fn lookup<'a>(value: &'a toml::Value, keys: &[String]) -> Option<&'a toml::Value> {
    keys.iter().try_fold(value, |v, k| v.as_table()?.get(k))
}

fn set(value: &mut toml::Value, keys: &[String], new: toml::Value) {
    let mut current = value;
    for key in &keys[..keys.len() - 1] {
        current = current.as_table_mut().and_then(|t| t.get_mut(key)).expect("checked against the defaults");
    }
    if let Some(table) = current.as_table_mut() {
        table.insert(keys[keys.len() - 1].clone(), new);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn defaults_file_then_environment() {
        let dir = std::env::temp_dir().join(format!("zs_cfg_{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("a.toml");
        std::fs::write(&file, "[server]\nbind = \"0.0.0.0:9000\"\n[security]\nlockout_minutes = 45\n").unwrap();
        let config = Config::load(Some(&file), env(&[("ZS__SECURITY__LOCKOUT_MINUTES", "60"), ("PATH", "/bin")])).unwrap();
        assert_eq!(config.server.bind, "0.0.0.0:9000");
        assert_eq!(config.security.lockout_minutes, 60);
        assert_eq!(config.security.idle_timeout_minutes, 30);
        assert_eq!(config.database.url, "sqlite://data/zhaoshang.db");
        let proxies = Config::load(None, env(&[("ZS__SERVER__TRUSTED_PROXIES", "10.0.0.1, 10.0.0.2")])).unwrap();
        assert_eq!(proxies.server.trusted_proxies, vec!["10.0.0.1", "10.0.0.2"]);
    }

    #[test]
    fn unknown_keys_are_named() {
        let dir = std::env::temp_dir().join(format!("zs_cfg2_{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("b.toml");
        std::fs::write(&file, "[server]\nbindd = \"0.0.0.0:9000\"\n").unwrap();
        let err = Config::load(Some(&file), env(&[])).unwrap_err().to_string();
        assert!(err.contains("bindd"), "{err}");
        let err = Config::load(None, env(&[("ZS__SERVER__PORT", "1")])).unwrap_err();
        assert_eq!(err, ConfigError::UnknownEnv("ZS__SERVER__PORT".into()));
        let err = Config::load(None, env(&[("ZS__SECURITY__LOCKOUT_MINUTES", "half an hour")])).unwrap_err();
        assert!(matches!(err, ConfigError::EnvValue { .. }), "{err}");
    }

    #[test]
    fn smtp_from_the_environment_and_never_its_password_in_logs() {
        let config = Config::load(None, env(&[("ZS__SMTP__HOST", "smtp.example.gov.cn"), ("ZS__SMTP__FROM", "zs@example.gov.cn"), ("ZS__SMTP__PASSWORD", "s3cret"), ("ZS__SMTP__STARTTLS", "false"), ("ZS__SMTP__PORT", "25"), ("ZS__NOTIFICATIONS__WORKER", "false")])).unwrap();
        assert_eq!((config.smtp.host.as_str(), config.smtp.port, config.smtp.starttls, config.notifications.worker), ("smtp.example.gov.cn", 25, false, false));
        assert!(!format!("{config:?}").contains("s3cret"));
        let err = Config::load(None, env(&[("ZS__SMTP__HOST", "smtp.example.gov.cn")])).unwrap_err();
        assert!(err.to_string().contains("smtp.from"), "{err}");
    }

    #[test]
    fn the_search_index_lives_beside_the_database_unless_told() {
        let c = SearchConfig::default();
        assert_eq!(c.folder("sqlite://data/zs.db?mode=rwc"), Some(std::path::PathBuf::from("data/zs.db.search")));
        assert_eq!(c.folder("postgres://zs@db/zs"), Some(std::path::PathBuf::from("search-index")));
        assert_eq!(SearchConfig { dir: ":memory:".into() }.folder("sqlite://x.db"), None);
        assert_eq!(SearchConfig { dir: "/var/lib/zs/search".into() }.folder("sqlite://x.db"), Some(std::path::PathBuf::from("/var/lib/zs/search")));
    }

    #[test]
    fn import_limits_are_settings() {
        let defaults = Config::load(None, env(&[])).unwrap();
        assert_eq!((defaults.import.max_bytes(), defaults.import.max_rows()), (50 * 1024 * 1024, 200_000));
        let lowered = Config::load(None, env(&[("ZS__IMPORT__MAX_FILE_MB", "5"), ("ZS__IMPORT__MAX_ROWS", "1000")])).unwrap();
        assert_eq!((lowered.import.max_bytes(), lowered.import.max_rows()), (5 * 1024 * 1024, 1000));
        assert!(Config::load(None, env(&[("ZS__IMPORT__MAX_ROWS", "0")])).is_err());
    }

    #[test]
    fn rules_are_checked() {
        let err = Config::load(None, env(&[("ZS__AUDIT__RETENTION_DAYS", "30")])).unwrap_err();
        assert!(err.to_string().contains("180"), "{err}");
    }
}
