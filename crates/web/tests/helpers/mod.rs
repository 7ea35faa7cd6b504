//! Each test gets a fresh database (SQLite file, or PostgreSQL when ZS_TEST_DATABASE_URL is set),
//! the real application on port 0, and a cookie-keeping HTTP client that does not follow redirects.

#![allow(dead_code)]

use std::sync::OnceLock;

use domain::Role;
use reqwest::{Client, Response, StatusCode};
use store::test_support::TestDb;
use store::users::NewUser;
use store::{Store, Who};
use web::{Application, Config};

pub const PASSWORD: &str = "Hanzhong#2026";
pub const PROFILE: &str = include_str!("../../../../profiles/hanzhong.toml");

pub fn password_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| store::passwords::hash(PASSWORD))
}

pub struct TestApp {
    pub browser: Browser,
    pub store: Store,
    pub db: TestDb,
    /// The application's search index.
    pub search: std::sync::Arc<search::Search>,
}

/// One person's browser: an HTTP client with its own cookies.
pub struct Browser {
    pub address: String,
    pub client: Client,
}

impl TestApp {
    /// Applies every change waiting for the search index now, as the server's feed does within
    /// about a second: what a test wrote straight into the store (not as the person who then
    /// searches) is searchable afterwards (decision 0004).
    pub async fn index_caught_up(&self) {
        self.search.catch_up(u64::MAX).await.expect("search index catch-up");
    }
}

impl std::ops::Deref for TestApp {
    type Target = Browser;
    fn deref(&self) -> &Browser {
        &self.browser
    }
}

/// A second browser on the same application (another device, another person).
pub fn spawn_client(app: &TestApp) -> Browser {
    Browser { address: app.address.clone(), client: client() }
}

pub async fn spawn_app() -> TestApp {
    spawn_with(|_| {}).await
}

/// Starts the application with the Hanzhong units and four accounts: admin, bureau,
/// officer-610703 (南郑区) and officer-610722 (城固县).
pub async fn spawn_with(adjust: impl FnOnce(&mut Config)) -> TestApp {
    let db = TestDb::new().await;
    let store = db.store.clone();
    store.load_profile(&Who::system("test"), PROFILE).await.expect("load profile");
    for (username, unit, roles) in [
        ("admin", "610700", vec![Role::Admin]),
        ("bureau", "610700", vec![Role::Bureau]),
        ("officer-610703", "610703", vec![Role::Officer]),
        ("officer-610722", "610722", vec![Role::Officer]),
        ("head-gxj", "gxj", vec![Role::UnitHead, Role::Department]),
    ] {
        add_user(&store, username, unit, roles).await;
    }
    let mut config = Config::default();
    config.server.bind = "127.0.0.1:0".into();
    config.database.url = db.url.clone();
    config.search.dir = ":memory:".into();
    adjust(&mut config);
    let app = Application::build(config, store.clone()).await.expect("build app");
    let address = format!("http://127.0.0.1:{}", app.port());
    let search = app.state().search.clone();
    tokio::spawn(app.run_until_stopped());
    TestApp { browser: Browser { address, client: client() }, store, db, search }
}

pub fn client() -> Client {
    Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().expect("client")
}

pub async fn add_user(store: &Store, username: &str, unit_code: &str, roles: Vec<Role>) -> i64 {
    let unit = store.unit_by_code(unit_code).await.unwrap().expect("unit exists");
    let user = store
        .create_user(
            &Who::system("test"),
            NewUser {
                username: username.into(),
                display_name: format!("测试{username}"),
                phone: String::new(),
                unit_id: unit.id,
                roles,
                password_hash: password_hash().to_string(),
                must_change_password: false,
            },
        )
        .await
        .expect("create user");
    user.id
}

/// The CSRF token in a page's forms.
pub fn csrf_in(html: &str) -> String {
    let marker = "name=\"csrf_token\" value=\"";
    let start = html.find(marker).map(|i| i + marker.len()).expect("page has a csrf token");
    html[start..start + 64].to_string()
}

impl Browser {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client.get(self.url(path)).send().await.expect("request")
    }

    pub async fn get_html(&self, path: &str) -> String {
        let response = self.get(path).await;
        assert_eq!(response.status(), StatusCode::OK, "GET {path}");
        response.text().await.unwrap()
    }

    /// Posts a form with the CSRF token of the page at `form_page`.
    pub async fn post_form(&self, form_page: &str, path: &str, fields: &[(&str, &str)]) -> Response {
        let token = csrf_in(&self.get_html(form_page).await);
        let mut body: Vec<(&str, &str)> = fields.to_vec();
        body.push(("csrf_token", &token));
        self.client.post(self.url(path)).form(&body).send().await.expect("request")
    }

    pub async fn login_as(&self, username: &str, password: &str) -> Response {
        self.post_form("/login", "/login", &[("username", username), ("password", password), ("next", "/")]).await
    }

    /// Signs in and asserts it worked.
    pub async fn sign_in(&self, username: &str) {
        let response = self.login_as(username, PASSWORD).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "sign-in of {username}");
        assert_eq!(response.headers()["location"], "/");
    }

}

impl TestApp {
    pub async fn user_id(&self, username: &str) -> i64 {
        self.store.user_by_name(username).await.unwrap().expect("user").id
    }

    /// Audit entries with this outcome and action, newest first.
    pub async fn audit(&self, action: &str, outcome: &str) -> Vec<store::entities::audit_event::Model> {
        let filter = store::audit::AuditFilter {
            action: Some(action.into()),
            outcome: Some(outcome.into()),
            per_page: 500,
            ..Default::default()
        };
        store::audit::search(&self.store, &filter).await.unwrap().0
    }
}

pub fn location(response: &Response) -> String {
    response.headers().get("location").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default()
}

/// The text of a .docx's body (word/document.xml), to check what a generated document says.
pub fn docx_text(bytes: &[u8]) -> String {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a .docx is a zip");
    let mut xml = String::new();
    archive.by_name("word/document.xml").expect("word/document.xml").read_to_string(&mut xml).expect("utf-8 xml");
    // Text runs only: drop the tags.
    let mut text = String::new();
    let mut in_tag = false;
    for c in xml.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text
}
