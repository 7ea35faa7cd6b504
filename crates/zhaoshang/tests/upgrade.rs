//! Upgrade drill: a fixture database for every released schema version (`tests/upgrade/m00NN.sql`),
//! loaded into a database at exactly that version, migrated to the latest with `Store::migrate`
//! and checked row by row. SQLite by default, PostgreSQL when `ZS_TEST_DATABASE_URL` names a
//! server. See docs/drills.md, "Upgrade drill".

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Instant;

use sea_orm::{ConnectionTrait, DbBackend, EntityTrait, Statement, TransactionTrait};
use sea_orm_migration::MigratorTrait;
use store::test_support::TestDb;
use store::{Migrator, Store, Who};

/// Tables never written to a fixture: the migration bookkeeping, the search index's feed, identity
/// and (SQLite) current writer, which each database makes for itself, and the tables triggers keep:
/// the city's figures by stage from the projects (m0016), each unit's follow-ups and targets reached
/// from the follow-ups (m0017). Backup leaves them out for the same reasons.
const NOT_IN_FIXTURES: [&str; 7] = ["seaql_migrations", "search_outbox", "search_source", "search_writer", "project_fact_counts", "follow_up_day_counts", "target_first_contacts"];

/// Columns added to a table that already existed, and what every upgraded row must hold in them
/// (`None`: NULL). A migration that adds a column to an old table must say here what old rows get;
/// one that computes the value from other data adds a case to `check_added_columns`.
const ADDED_COLUMNS: [(&str, &str, &str, Option<&str>); 3] = [
    ("m0003_projects", "follow_ups", "project_id", None),
    ("m0007_events", "follow_ups", "event_id", None),
    ("m0009_import_plan", "imports", "plan", Some("")),
];

/// Rows a fixture takes from each table of the seed, before the rows they point at are added:
/// at most so many, and no more once their values pass so many bytes (one at least).
const ROWS_PER_TABLE: usize = 4;
const TABLE_BYTES: usize = 3_000;
/// The newest audit entries a fixture keeps; the older ones are pruned behind the anchor, as
/// `zhaoshang audit prune` does.
const AUDIT_ENTRIES: usize = 12;

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/upgrade")
}

fn fixture_path(version: usize) -> PathBuf {
    fixture_dir().join(format!("m{version:04}.sql"))
}

fn migration_names() -> Vec<String> {
    Migrator::migrations().iter().map(|m| m.name().to_string()).collect()
}

// -- Fixtures: parsing and loading ---------------------------------------------------------------

/// A value as a fixture writes it: SQL literals that load on both databases (booleans are quoted
/// '1'/'0', which PostgreSQL's boolean input and SQLite's numeric affinity both take), except
/// blobs, written `X'…'` and loaded as `'\x…'` on PostgreSQL.
#[derive(Debug, Clone, PartialEq)]
enum Literal {
    Null,
    Number(String),
    Text(String),
    Blob(Vec<u8>),
}

impl Literal {
    fn render(&self, backend: DbBackend) -> String {
        match self {
            Literal::Null => "NULL".into(),
            Literal::Number(n) => n.clone(),
            Literal::Text(t) => format!("'{}'", t.replace('\'', "''")),
            Literal::Blob(b) if backend == DbBackend::Postgres => format!("'\\x{}'", hex::encode(b)),
            Literal::Blob(b) => format!("X'{}'", hex::encode_upper(b)),
        }
    }

    /// The value as text, the way `read_rows` reads the database (blobs as lowercase hex).
    fn as_text(&self) -> Option<String> {
        match self {
            Literal::Null => None,
            Literal::Number(n) | Literal::Text(n) => Some(n.clone()),
            Literal::Blob(b) => Some(hex::encode(b)),
        }
    }
}

/// One table of a fixture: its columns at the fixture's version and its rows, in load order.
#[derive(Debug)]
struct FixtureTable {
    name: String,
    columns: Vec<String>,
    rows: Vec<Vec<Literal>>,
}

#[derive(Debug)]
struct Fixture {
    version: usize,
    migration: String,
    tables: Vec<FixtureTable>,
}

impl Fixture {
    fn read(version: usize) -> Fixture {
        let path = fixture_path(version);
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
        Fixture::parse(&text, version).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    fn parse(text: &str, version: usize) -> Result<Fixture, String> {
        let migration = text.lines().find_map(|l| l.strip_prefix("-- schema: ")).ok_or("no `-- schema: <migration>` line")?.trim().to_string();
        let mut tables: Vec<FixtureTable> = Vec::new();
        let mut c = Cursor { s: text.as_bytes(), pos: 0 };
        loop {
            c.skip();
            if c.pos == c.s.len() {
                break;
            }
            let line = c.line();
            let at = |e: String| format!("line {line}: {e}");
            c.keyword("INSERT").and_then(|_| c.keyword("INTO")).map_err(at)?;
            let table = c.ident().map_err(at)?;
            c.symbol(b'(').map_err(at)?;
            let mut columns = vec![c.ident().map_err(at)?];
            while c.eat(b',') {
                columns.push(c.ident().map_err(at)?);
            }
            c.symbol(b')').and_then(|_| c.keyword("VALUES")).and_then(|_| c.symbol(b'(')).map_err(at)?;
            let mut values = vec![c.literal().map_err(at)?];
            while c.eat(b',') {
                values.push(c.literal().map_err(at)?);
            }
            c.symbol(b')').and_then(|_| c.symbol(b';')).map_err(at)?;
            if values.len() != columns.len() {
                return Err(at(format!("{} columns but {} values", columns.len(), values.len())));
            }
            match tables.last_mut() {
                Some(t) if t.name == table => {
                    if t.columns != columns {
                        return Err(at(format!("the rows of {table} name different columns")));
                    }
                    t.rows.push(values);
                }
                _ => {
                    if tables.iter().any(|t| t.name == table) {
                        return Err(at(format!("the rows of {table} are not together")));
                    }
                    tables.push(FixtureTable { name: table, columns, rows: vec![values] });
                }
            }
        }
        Ok(Fixture { version, migration, tables })
    }

    fn table(&self, name: &str) -> Option<&FixtureTable> {
        self.tables.iter().find(|t| t.name == name)
    }

    fn rows(&self) -> usize {
        self.tables.iter().map(|t| t.rows.len()).sum()
    }

    /// Loads the fixture into a database migrated to exactly its version, in one transaction,
    /// foreign keys enforced. Rows the migrations made themselves (the audit chain's genesis head)
    /// give way to the fixture's. On PostgreSQL the id sequences are then moved past the loaded
    /// ids, where a database that had lived through those writes would have them.
    async fn load(&self, store: &Store) -> Result<(), String> {
        let backend = store.backend();
        let txn = store.db.begin().await.map_err(|e| e.to_string())?;
        for t in self.tables.iter().rev() {
            txn.execute_unprepared(&format!("DELETE FROM \"{}\"", t.name)).await.map_err(|e| format!("empty {}: {e}", t.name))?;
        }
        for t in &self.tables {
            let head = format!("INSERT INTO \"{}\" ({}) VALUES ", t.name, t.columns.iter().map(|c| format!("\"{c}\"")).collect::<Vec<_>>().join(", "));
            for (n, row) in t.rows.iter().enumerate() {
                let sql = format!("{head}({})", row.iter().map(|v| v.render(backend)).collect::<Vec<_>>().join(", "));
                txn.execute_unprepared(&sql).await.map_err(|e| format!("{} row {}: {e}", t.name, n + 1))?;
            }
        }
        if backend == DbBackend::Postgres {
            for t in self.tables.iter().filter(|t| t.columns.iter().any(|c| c == "id")) {
                let name = &t.name;
                txn.execute_unprepared(&format!(
                    "SELECT setval(pg_get_serial_sequence('{name}', 'id'), COALESCE((SELECT MAX(id) FROM {name}), 0) + 1, false)"
                ))
                .await
                .map_err(|e| format!("sequence of {name}: {e}"))?;
            }
        }
        txn.commit().await.map_err(|e| e.to_string())
    }
}

/// Reads the one statement shape fixtures use: `INSERT INTO "t" ("c", …) VALUES (…);`.
struct Cursor<'a> {
    s: &'a [u8],
    pos: usize,
}

impl Cursor<'_> {
    fn line(&self) -> usize {
        self.s[..self.pos].iter().filter(|b| **b == b'\n').count() + 1
    }

    /// Past white space and `--` comments.
    fn skip(&mut self) {
        loop {
            while self.pos < self.s.len() && self.s[self.pos].is_ascii_whitespace() {
                self.pos += 1;
            }
            if self.s[self.pos..].starts_with(b"--") {
                while self.pos < self.s.len() && self.s[self.pos] != b'\n' {
                    self.pos += 1;
                }
            } else {
                return;
            }
        }
    }

    fn keyword(&mut self, word: &str) -> Result<(), String> {
        self.skip();
        if self.s[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(())
        } else {
            Err(format!("expected {word}"))
        }
    }

    fn eat(&mut self, symbol: u8) -> bool {
        self.skip();
        let found = self.s.get(self.pos) == Some(&symbol);
        if found {
            self.pos += 1;
        }
        found
    }

    fn symbol(&mut self, symbol: u8) -> Result<(), String> {
        if self.eat(symbol) { Ok(()) } else { Err(format!("expected `{}`", symbol as char)) }
    }

    /// Up to the closing `quote`, a doubled quote standing for itself.
    fn quoted(&mut self, quote: u8) -> Result<String, String> {
        let mut out = Vec::new();
        self.pos += 1;
        loop {
            match self.s.get(self.pos) {
                None => return Err("unterminated quote".into()),
                Some(&b) if b == quote => {
                    if self.s.get(self.pos + 1) == Some(&quote) {
                        out.push(quote);
                        self.pos += 2;
                    } else {
                        self.pos += 1;
                        return String::from_utf8(out).map_err(|e| e.to_string());
                    }
                }
                Some(&b) => {
                    out.push(b);
                    self.pos += 1;
                }
            }
        }
    }

    fn ident(&mut self) -> Result<String, String> {
        self.skip();
        if self.s.get(self.pos) != Some(&b'"') {
            return Err("expected a \"quoted\" name".into());
        }
        self.quoted(b'"')
    }

    fn literal(&mut self) -> Result<Literal, String> {
        self.skip();
        let rest = &self.s[self.pos..];
        if rest.starts_with(b"NULL") {
            self.pos += 4;
            Ok(Literal::Null)
        } else if rest.starts_with(b"X'") {
            self.pos += 1;
            let digits = self.quoted(b'\'')?;
            hex::decode(&digits).map(Literal::Blob).map_err(|e| format!("blob: {e}"))
        } else if rest.first() == Some(&b'\'') {
            self.quoted(b'\'').map(Literal::Text)
        } else {
            let len = rest.iter().take_while(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E')).count();
            if len == 0 {
                return Err("expected a value".into());
            }
            self.pos += len;
            Ok(Literal::Number(String::from_utf8_lossy(&rest[..len]).into_owned()))
        }
    }
}

// -- Databases -----------------------------------------------------------------------------------

/// The database under test, not migrated: PostgreSQL when `ZS_TEST_DATABASE_URL` is set, else SQLite.
async fn under_test() -> TestDb {
    TestDb::unmigrated(true).await
}

/// Always a SQLite file, not migrated (the fixture writer reads SQLite's catalog).
async fn sqlite() -> TestDb {
    TestDb::unmigrated(false).await
}

/// Applies the migrations up to exactly `version` (1-based).
async fn migrate_to(store: &Store, version: usize) {
    let pending = Migrator::get_pending_migrations(store.db.pool()).await.expect("read pending migrations").len();
    let applied = migration_names().len() - pending;
    assert!(applied <= version, "the database is already past version {version}");
    Migrator::up(store.db.pool(), Some((version - applied) as u32)).await.unwrap_or_else(|e| panic!("migrate to version {version}: {e}"));
}

async fn query_strings(store: &Store, sql: &str) -> Vec<Vec<Option<String>>> {
    let rows = store.db.query_all_raw(Statement::from_string(store.backend(), sql.to_string())).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
    rows.iter()
        .map(|r| {
            let mut out = Vec::new();
            while let Ok(v) = r.try_get_by_index::<Option<String>>(out.len()) {
                out.push(v);
            }
            out
        })
        .collect()
}

async fn count(store: &Store, sql: &str) -> i64 {
    let row = store.db.query_one_raw(Statement::from_string(store.backend(), sql.to_string())).await.unwrap_or_else(|e| panic!("{sql}: {e}")).expect("a row");
    row.try_get_by_index::<i64>(0).unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// How a column's values are compared: the same value may be written differently by each database.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Int,
    Float,
    Bool,
    Instant,
    Blob,
    Text,
}

impl Kind {
    fn of(declared: &str) -> Kind {
        let t = declared.to_ascii_lowercase();
        match t.as_str() {
            "boolean" => Kind::Bool,
            "blob" | "bytea" => Kind::Blob,
            "real" | "double" | "double precision" | "float" | "numeric" | "decimal" => Kind::Float,
            _ if t.contains("timestamp") => Kind::Instant,
            _ if t.contains("int") => Kind::Int,
            _ => Kind::Text,
        }
    }

    /// One spelling per value: booleans as true/false, instants in UTC (every digit kept), numbers
    /// parsed. A value that does not parse stays as it is, and so compares unequal to a good one.
    fn normalize(self, value: Option<&str>) -> Option<String> {
        let v = value?;
        Some(match self {
            Kind::Int => v.parse::<i64>().map_or_else(|_| v.to_string(), |n| n.to_string()),
            Kind::Float => v.parse::<f64>().map_or_else(|_| v.to_string(), |n| format!("{n:?}")),
            Kind::Bool => match v.to_ascii_lowercase().as_str() {
                "1" | "t" | "true" => "true".into(),
                "0" | "f" | "false" => "false".into(),
                _ => v.to_string(),
            },
            Kind::Instant => parse_instant(v).map_or_else(|| v.to_string(), |t| t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)),
            Kind::Blob => v.trim_start_matches("\\x").to_ascii_lowercase(),
            Kind::Text => v.to_string(),
        })
    }
}

fn parse_instant(v: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    let v = v.trim().replace('T', " ");
    let v = v.strip_suffix('Z').map_or(v.clone(), |t| format!("{t}+00:00"));
    for format in ["%Y-%m-%d %H:%M:%S%.f%#z", "%Y-%m-%d %H:%M:%S%.f %#z"] {
        if let Ok(t) = chrono::DateTime::parse_from_str(&v, format) {
            return Some(t.to_utc());
        }
    }
    chrono::NaiveDateTime::parse_from_str(&v, "%Y-%m-%d %H:%M:%S%.f").ok().map(|t| t.and_utc())
}

/// Every table's columns and their declared types, in column order.
async fn catalog(store: &Store) -> BTreeMap<String, Vec<(String, String)>> {
    let sql = match store.backend() {
        DbBackend::Postgres => "SELECT table_name::text, column_name::text, data_type::text FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, ordinal_position",
        _ => "SELECT m.name, p.name, p.type FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY m.name, p.cid",
    };
    let mut out: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for row in query_strings(store, sql).await {
        let [Some(table), Some(column), declared] = <[Option<String>; 3]>::try_from(row).expect("three columns") else { panic!("catalog row without a name") };
        out.entry(table).or_default().push((column, declared.unwrap_or_default()));
    }
    out
}

/// The schema as a fresh database would have it, to compare an upgraded one with: tables,
/// columns, indexes and triggers, as each database describes them.
async fn schema_text(store: &Store) -> Vec<String> {
    let sql = match store.backend() {
        DbBackend::Postgres => {
            "SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || ' null=' || is_nullable || ' default=' || COALESCE(column_default, '') FROM information_schema.columns WHERE table_schema = 'public'
             UNION ALL SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = 'public'
             UNION ALL SELECT 'trigger ' || tgname::text || ' on ' || tgrelid::regclass::text FROM pg_trigger WHERE NOT tgisinternal
             UNION ALL SELECT 'constraint ' || conname::text || ' ' || pg_get_constraintdef(oid) FROM pg_constraint WHERE connamespace = 'public'::regnamespace"
        }
        _ => "SELECT type || ' ' || name || ': ' || COALESCE(sql, '') FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'",
    };
    let mut out: Vec<String> = query_strings(store, sql).await.into_iter().filter_map(|r| r.into_iter().next().flatten()).collect();
    out.sort();
    out
}

/// A table's rows, the named columns read as text, in one spelling per value (see `Kind`).
async fn read_rows(store: &Store, table: &str, columns: &[(String, Kind)]) -> Vec<Vec<Option<String>>> {
    let postgres = store.backend() == DbBackend::Postgres;
    let select: Vec<String> = columns
        .iter()
        .map(|(c, kind)| match (kind, postgres) {
            (Kind::Blob, true) => format!("encode(\"{c}\", 'hex')"),
            (Kind::Blob, false) => format!("CASE WHEN \"{c}\" IS NULL THEN NULL ELSE hex(\"{c}\") END"),
            (_, true) => format!("\"{c}\"::text"),
            (_, false) => format!("CAST(\"{c}\" AS TEXT)"),
        })
        .collect();
    let rows = query_strings(store, &format!("SELECT {} FROM \"{table}\"", select.join(", "))).await;
    rows.into_iter().map(|r| r.iter().zip(columns).map(|(v, (_, kind))| kind.normalize(v.as_deref())).collect()).collect()
}

// -- The drill -----------------------------------------------------------------------------------

#[test]
fn every_migration_has_an_upgrade_fixture() {
    let names = migration_names();
    for (i, name) in names.iter().enumerate() {
        let path = fixture_path(i + 1);
        assert!(
            path.exists(),
            "migration {name} has no upgrade fixture: run\n  ZS_UPGRADE_FIXTURES={} cargo test -p zhaoshang --test upgrade -- --ignored write_upgrade_fixtures\nand commit {} (see docs/drills.md, \"Upgrade drill\")",
            i + 1,
            path.display()
        );
        assert_eq!(Fixture::read(i + 1).migration, *name, "{} is not at schema version {name}", path.display());
    }
    assert!(!fixture_path(names.len() + 1).exists(), "a fixture for a migration that does not exist: {}", fixture_path(names.len() + 1).display());
}

#[test]
fn fixture_syntax_table() {
    let text = "-- schema: m0001_x\nINSERT INTO \"t\" (\"a\", \"b\", \"c\", \"d\") VALUES (1, 'it''s\n两行', NULL, X'00FF');\n-- a comment\nINSERT INTO \"t\" (\"a\", \"b\", \"c\", \"d\") VALUES (-2.5, '', '1', X'');\n";
    let f = Fixture::parse(text, 1).expect("parses");
    assert_eq!(f.migration, "m0001_x");
    let t = f.table("t").expect("table t");
    assert_eq!(t.rows[0], vec![Literal::Number("1".into()), Literal::Text("it's\n两行".into()), Literal::Null, Literal::Blob(vec![0, 255])]);
    assert_eq!(t.rows[1][0].render(DbBackend::Sqlite), "-2.5");
    assert_eq!(t.rows[0][1].render(DbBackend::Postgres), "'it''s\n两行'");
    assert_eq!(t.rows[0][3].render(DbBackend::Sqlite), "X'00FF'");
    assert_eq!(t.rows[0][3].render(DbBackend::Postgres), "'\\x00ff'");
    for bad in ["-- schema: m\nINSERT INTO \"t\" (\"a\") VALUES (1, 2);", "-- schema: m\nINSERT INTO \"t\" (\"a\") VALUES ('x);", "INSERT INTO \"t\" (\"a\") VALUES (1);"] {
        assert!(Fixture::parse(bad, 1).is_err(), "{bad}");
    }
    let instants = ["2026-11-27 15:08:40.123456+00:00", "2026-11-27T15:08:40.123456Z", "2026-11-27T23:08:40.123456+08:00", "2026-11-27 15:08:40.123456+00", "2026-11-27 15:08:40.123456"];
    for t in instants {
        assert_eq!(Kind::Instant.normalize(Some(t)).as_deref(), Some("2026-11-27T15:08:40.123456Z"), "{t}");
    }
    assert_ne!(Kind::Instant.normalize(Some("2026-11-27 15:08:40.123456+00")), Kind::Instant.normalize(Some("2026-11-27 15:08:40.123456789+00")));
    assert_eq!(to_micros("'2026-11-27T15:26:24.917829576+00:00'"), "'2026-11-27T15:26:24.917829+00:00'");
    assert_eq!(to_micros("'2026-11-27T15:26:24.91+00:00'"), "'2026-11-27T15:26:24.91+00:00'");
    assert_eq!(Kind::Bool.normalize(Some("1")), Kind::Bool.normalize(Some("true")));
    assert_ne!(Kind::Bool.normalize(Some("0")), Kind::Bool.normalize(Some("true")));
}

#[tokio::test]
async fn upgrade_drill_every_schema_version_migrates_to_latest_with_its_data() {
    use futures_util::StreamExt;
    let started = Instant::now();
    let names = migration_names();
    let reference = under_test().await;
    reference.store.migrate().await.expect("migrate the reference database");
    let fresh_schema = schema_text(&reference.store).await;
    let latest = catalog(&reference.store).await;
    reference.remove().await;
    // The versions go side by side: most of the time is the databases' DDL, not this process.
    let rows: Vec<usize> = futures_util::stream::iter(1..=names.len()).map(|version| drill(version, &latest, &fresh_schema)).buffer_unordered(PARALLEL).collect().await;
    println!("upgrade drill ({}): {} versions, {} rows, {:.1} s in all", backend_name(), names.len(), rows.iter().sum::<usize>(), started.elapsed().as_secs_f64());
}

/// Versions drilled at once.
const PARALLEL: usize = 4;

fn backend_name() -> &'static str {
    if std::env::var("ZS_TEST_DATABASE_URL").is_ok_and(|u| !u.is_empty()) { "PostgreSQL" } else { "SQLite" }
}

/// One version: a database at exactly that version, its fixture loaded, migrated to the latest
/// and checked. Returns the fixture's rows.
async fn drill(version: usize, latest: &BTreeMap<String, Vec<(String, String)>>, fresh_schema: &[String]) -> usize {
    let started = Instant::now();
    let fixture = Fixture::read(version);
    let from = fixture.migration.clone();
    assert_eq!(from, migration_names()[version - 1], "fixture {version} is of another schema version");
    let db = under_test().await;
    migrate_to(&db.store, version).await;
    fixture.load(&db.store).await.unwrap_or_else(|e| panic!("fixture {version} does not load into a database at {from}: {e}"));
    let loaded = started.elapsed().as_secs_f64();
    db.store.migrate().await.unwrap_or_else(|e| panic!("upgrade from {from}: {e}"));
    let migrated = started.elapsed().as_secs_f64();
    check(&db.store, &fixture, latest, fresh_schema).await;
    let checked = started.elapsed().as_secs_f64();
    db.remove().await;
    println!(
        "upgrade drill ({}): {from}, {} rows in {} tables: made and loaded {loaded:.2} s, upgraded {:.2} s, checked {:.2} s, removed {:.2} s",
        backend_name(),
        fixture.rows(),
        fixture.tables.len(),
        migrated - loaded,
        checked - migrated,
        started.elapsed().as_secs_f64() - checked
    );
    fixture.rows()
}

/// Everything an upgraded database must show. Panics with what is wrong.
async fn check(store: &Store, fixture: &Fixture, latest: &BTreeMap<String, Vec<(String, String)>>, fresh_schema: &[String]) {
    let from = &fixture.migration;
    assert_eq!(store.schema_version().await.unwrap(), migration_names(), "from {from}: not every migration applied");
    assert_eq!(schema_text(store).await, fresh_schema, "from {from}: the upgraded schema differs from a fresh database's");
    let here = catalog(store).await;
    assert_eq!(&here, latest, "from {from}: the upgraded tables' columns differ from a fresh database's");

    // Every row and every value of the fixture, still there, and nothing else.
    for t in &fixture.tables {
        let columns = here.get(&t.name).unwrap_or_else(|| panic!("from {from}: table {} is gone", t.name));
        let kinds: Vec<(String, Kind)> = t
            .columns
            .iter()
            .map(|c| {
                let declared = columns.iter().find(|(name, _)| name == c).map(|(_, d)| d.as_str()).unwrap_or_else(|| panic!("from {from}: column {}.{c} is gone", t.name));
                (c.clone(), Kind::of(declared))
            })
            .collect();
        let mut want: Vec<Vec<Option<String>>> = t.rows.iter().map(|r| r.iter().zip(&kinds).map(|(v, (_, k))| k.normalize(v.as_text().as_deref())).collect()).collect();
        let mut have = read_rows(store, &t.name, &kinds).await;
        want.sort();
        have.sort();
        if want != have {
            let missing: Vec<_> = want.iter().filter(|r| !have.contains(r)).take(3).collect();
            let extra: Vec<_> = have.iter().filter(|r| !want.contains(r)).take(3).collect();
            panic!(
                "from {from}: table {} differs after the upgrade ({} rows in the fixture, {} in the database)\ncolumns: {:?}\nfixture rows not found: {missing:#?}\ndatabase rows not in the fixture: {extra:#?}",
                t.name,
                want.len(),
                have.len(),
                t.columns
            );
        }
        check_added_columns(store, fixture, t, columns).await;
    }

    // Every row of every table reads back through the entities (new NOT NULL columns got values):
    // a backup reads each table through its SeaORM model; sessions and idempotency keys it skips.
    let file = std::env::temp_dir().join(format!("zs_up_{}_{}.backup", std::process::id(), fixture.version));
    let counts = store.backup_to(&file).await.unwrap_or_else(|e| panic!("from {from}: a table no longer reads through its entity: {e:?}"));
    let _ = std::fs::remove_file(&file);
    for (table, rows) in &counts {
        let want = fixture.table(table).map_or(0, |t| t.rows.len() as u64);
        // audit_head is made by the first migration and replaced by the fixture's.
        let want = if table == "audit_head" { 1 } else { want };
        assert_eq!(*rows, want, "from {from}: table {table} reads {rows} rows through its entity, the fixture has {want}");
    }
    store::entities::session::Entity::find().all(&store.db).await.unwrap_or_else(|e| panic!("from {from}: sessions: {e}"));
    store::entities::idempotency_key::Entity::find().all(&store.db).await.unwrap_or_else(|e| panic!("from {from}: idempotency keys: {e}"));

    // The audit chain verifies, over the fixture's entries.
    let audited = fixture.table("audit_events").map_or(0, |t| t.rows.len() as u64);
    let verification = store::audit::verify(store).await.expect("verify the audit chain");
    assert_eq!(verification.broken, None, "from {from}: the audit chain is broken");
    assert_eq!(verification.checked, audited, "from {from}: audit entries checked");

    if store.backend() == DbBackend::Sqlite {
        let integrity = query_strings(store, "PRAGMA integrity_check").await;
        assert_eq!(integrity, vec![vec![Some("ok".to_string())]], "from {from}: integrity check");
        assert_eq!(count(store, "SELECT COUNT(*) FROM pragma_foreign_key_check").await, 0, "from {from}: foreign key check");
    }

    // m0016 computes the city's figures by stage from the projects an old database holds.
    let kept = store.project_figures(domain::access::Visibility::All, &store::projects::ProjectFilter::default(), true).await.expect("read the kept figures");
    assert_eq!(kept, store.project_figures_grouped().await.expect("group the figures"), "from {from}: the figures by stage kept by m0016 differ from the projects'");
    // m0017 computes each unit's follow-ups and targets reached per year from the follow-ups.
    let units: Vec<i64> = store.units().await.expect("read the units").iter().map(|u| u.id).collect();
    let mut logged = 0;
    for year in 2015..=2035 {
        let (first, last) = (chrono::NaiveDate::from_ymd_opt(year, 1, 1).unwrap(), chrono::NaiveDate::from_ymd_opt(year, 12, 31).unwrap());
        let kept = store.contact_counts(&units, first, last).await.expect("read the kept contact counts");
        assert_eq!(kept, store.contact_counts_grouped(&units, first, last).await.expect("count the follow-ups"), "from {from}: the contact counts kept by m0017 differ from the follow-ups', {year}");
        logged += kept.follow_ups.values().sum::<i64>();
    }
    let fixture_follow_ups = fixture.table("follow_ups").map_or(0, |t| t.rows.len() as i64);
    assert_eq!(logged, fixture_follow_ups, "from {from}: follow-ups counted by year against the fixture's");

    check_new_writes(store, fixture, audited).await;
}

/// Columns added after the fixture's version hold what `ADDED_COLUMNS` says old rows get.
async fn check_added_columns(store: &Store, fixture: &Fixture, t: &FixtureTable, columns: &[(String, String)]) {
    for (column, declared) in columns.iter().filter(|(c, _)| !t.columns.contains(c)) {
        let Some((migration, _, _, expected)) = ADDED_COLUMNS.iter().find(|(_, table, c, _)| *table == t.name && c == column) else {
            panic!(
                "column {}.{column} was added to an existing table after {}: say in ADDED_COLUMNS (tests/upgrade.rs) what rows that existed before get",
                t.name, fixture.migration
            )
        };
        let kind = Kind::of(declared);
        let values = read_rows(store, &t.name, &[(column.clone(), kind)]).await;
        let want = kind.normalize(*expected);
        let wrong = values.iter().filter(|r| r[0] != want).count();
        assert_eq!(wrong, 0, "from {}: {wrong} of {} rows of {} hold something else than {want:?} in {column}, added by {migration}", fixture.migration, values.len(), t.name);
    }
}

/// The upgraded database takes new writes through the Store API: a company and a follow-up with
/// an attachment, each audited and fed to the search index. On PostgreSQL this needs the id
/// sequences past the old rows.
async fn check_new_writes(store: &Store, fixture: &Fixture, audited: u64) {
    use store::entities::user;
    let from = &fixture.migration;
    let user = user::Entity::find().all(&store.db).await.expect("read users").into_iter().find(|u| u.active).unwrap_or_else(|| panic!("fixture {from} has no active user"));
    let who = Who { user_id: Some(user.id), username: user.username.clone(), unit_id: Some(user.unit_id), ip: "127.0.0.1".into() };
    let input = store::enterprises::EnterpriseInput { name: format!("升级演练新材料有限公司（自 {from}）"), region_code: "610703".into(), ..Default::default() };
    let company = store.create_enterprise(&who, &input, false).await.unwrap_or_else(|e| panic!("from {from}: create a company after the upgrade: {e:?}"));
    let today = chrono::Utc::now().date_naive();
    let new = store::follow_ups::NewFollowUp {
        enterprise_id: company.id,
        target_id: None,
        project_id: None,
        happened_on: today,
        kind: domain::target::FollowUpKind::Visit,
        place: "汉中市".into(),
        latitude_e6: None,
        longitude_e6: None,
        participants: String::new(),
        summary: "升级后的第一次走访。".into(),
        next_step: String::new(),
        next_due: None,
        client_key: format!("upgrade-drill-{}", fixture.version),
    };
    let file = store::follow_ups::NewAttachment { file_name: "纪要.txt".into(), content_type: "text/plain".into(), data: "升级演练".as_bytes().to_vec() };
    let (follow_up, _) = store.create_follow_up(&who, user.id, user.unit_id, &new, vec![file]).await.unwrap_or_else(|e| panic!("from {from}: record a follow-up after the upgrade: {e:?}"));
    if let Some(t) = fixture.table("follow_ups") {
        let id = t.columns.iter().position(|c| c == "id").expect("follow_ups.id");
        assert!(t.rows.iter().all(|r| r[id] != Literal::Number(follow_up.id.to_string())), "from {from}: the new follow-up took an old id");
    }
    let notes = count(store, &format!("SELECT COUNT(*) FROM search_outbox WHERE kind = 'e' AND record_id = {}", company.id)).await;
    assert!(notes >= 1, "from {from}: the new company was not noted for the search index");
    let verification = store::audit::verify(store).await.expect("verify the audit chain");
    assert_eq!(verification.broken, None, "from {from}: the audit chain broke on the first writes after the upgrade");
    assert!(verification.checked >= audited + 2, "from {from}: the new writes were not audited");
}

// -- Writing fixtures ----------------------------------------------------------------------------

/// Writes the fixtures of the versions in `ZS_UPGRADE_FIXTURES` (`all`, `15` or `1-14`; unset:
/// those that have none yet). A released fixture is never rewritten: it stands for the databases
/// that exist out there.
#[tokio::test]
#[ignore = "writes tests/upgrade/m00NN.sql; see docs/drills.md, \"Upgrade drill\""]
async fn write_upgrade_fixtures() {
    let names = migration_names();
    let versions: Vec<usize> = match std::env::var("ZS_UPGRADE_FIXTURES").ok().filter(|v| !v.is_empty()) {
        None => (1..=names.len()).filter(|v| !fixture_path(*v).exists()).collect(),
        Some(v) if v == "all" => (1..=names.len()).collect(),
        Some(v) => match v.split_once('-') {
            Some((a, b)) => (a.parse().expect("ZS_UPGRADE_FIXTURES: from")..=b.parse().expect("ZS_UPGRADE_FIXTURES: to")).collect(),
            None => vec![v.parse().expect("ZS_UPGRADE_FIXTURES: a version number")],
        },
    };
    assert!(versions.iter().all(|v| (1..=names.len()).contains(v)), "versions run from 1 to {}", names.len());
    if versions.is_empty() {
        println!("every migration has its fixture");
        return;
    }
    let seed = seed().await;
    std::fs::create_dir_all(fixture_dir()).expect("make tests/upgrade");
    for version in versions {
        let text = fixture_text(&seed.store, version, &names[version - 1]).await;
        // It must load where it will be loaded: a database at exactly that version.
        let fixture = Fixture::parse(&text, version).expect("the written fixture parses");
        let check = sqlite().await;
        migrate_to(&check.store, version).await;
        fixture.load(&check.store).await.unwrap_or_else(|e| panic!("the fixture of {} does not load: {e}", names[version - 1]));
        std::fs::write(fixture_path(version), &text).expect("write the fixture");
        println!("{}: {} rows in {} tables, {} bytes", fixture_path(version).display(), fixture.rows(), fixture.tables.len(), text.len());
    }
}

/// The demo data set (`zhaoshang gen --scale demo`), plus a few writes for tables it leaves empty.
async fn seed() -> TestDb {
    let seed = sqlite().await;
    let path = seed.sqlite_path().expect("a SQLite file");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_zhaoshang"))
        .args(["gen", "--scale", "demo"])
        .env("ZS__DATABASE__URL", format!("sqlite://{}", path.display()))
        .env("ZS__SEARCH__DIR", ":memory:")
        .env_remove("ZS_ADMIN_PASSWORD")
        .output()
        .expect("run zhaoshang gen");
    assert!(output.status.success(), "zhaoshang gen: {}", String::from_utf8_lossy(&output.stderr));
    let store = &seed.store;
    let officer = store::entities::user::Entity::find().all(&store.db).await.unwrap().into_iter().find(|u| u.username == "officer-610703").expect("officer-610703");
    let who = Who { user_id: Some(officer.id), username: officer.username.clone(), unit_id: Some(officer.unit_id), ip: "10.61.7.3".into() };
    let now = chrono::Utc::now();
    store.set_password(&who, officer.id, store::passwords::hash("Hanzhong@2027"), false, None).await.expect("a new password");
    store.create_session(officer.id, "10.61.7.3", "Mozilla/5.0 (Windows NT 10.0)").await.expect("a session");
    store.create_token(&who, officer.id, "统计局数据交换", 90).await.expect("an API token");
    store.save_view(officer.id, "/targets", "南郑 A 类", "priority=A").await.expect("a saved view");
    let channel = store::notifications::ChannelInput {
        kind: domain::notify::ChannelKind::Email,
        name: "科室邮箱".into(),
        address: "zhaoshang@nanzheng.gov.cn".into(),
        secret: String::new(),
        rules: Vec::new(),
        enabled: true,
    };
    let channel = store.add_channel(&who, store::notifications::ChannelOwner::User(officer.id), &channel, now).await.expect("a notify channel");
    store.queue_test(&who, channel.id, now).await.expect("a delivery");
    let hook = store::webhooks::SubscriptionInput { url: "https://data.hanzhong.gov.cn/hooks/zhaoshang".into(), events: vec![domain::webhook::EventType::ProjectCreated], description: "市大数据局".into(), active: true };
    let (hook, _) = store.create_webhook(&who, officer.id, officer.unit_id, &hook, now).await.expect("a webhook");
    store.queue_webhook_ping(&who, hook.id, now).await.expect("a webhook delivery");
    let company = store.enterprises_after(0, 1).await.unwrap().remove(0);
    let new = store::follow_ups::NewFollowUp {
        enterprise_id: company.id,
        target_id: None,
        project_id: None,
        happened_on: now.date_naive(),
        kind: domain::target::FollowUpKind::Visit,
        place: "南郑区航空智造产业园".into(),
        latitude_e6: Some(33_002_100),
        longitude_e6: Some(106_941_700),
        participants: "企业副总经理".into(),
        summary: "实地查看标准化厂房，企业关注用电负荷。".into(),
        next_step: "提供厂房图纸".into(),
        next_due: Some(now.date_naive() + chrono::Duration::days(7)),
        client_key: "seed-visit".into(),
    };
    let photo = store::follow_ups::NewAttachment { file_name: "现场.png".into(), content_type: "image/png".into(), data: vec![0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d] };
    store.create_follow_up(&who, officer.id, officer.unit_id, &new, vec![photo]).await.expect("a follow-up with a photo");
    // A project credited to two units (飞地分成), and the reminders due today.
    let project = store::entities::project::Entity::find().all(&store.db).await.unwrap().into_iter().find(|p| p.source_unit_id != officer.unit_id).expect("a project of another unit");
    store.set_credit_shares(&who, project.id, &[(project.source_unit_id, 60), (officer.unit_id, 40)]).await.expect("credit shares");
    store.evaluate_reminders(now).await.expect("reminders");
    // An import with one row taken and one refused: its file, plan and changes.
    let csv = path.with_extension("csv");
    let rows = "公司名称,统一社会信用代码,法定代表人,成立日期,注册资本,经营状态,所属省份,所属城市,所属区县\n\
                苏州华瑞航空科技有限公司,91110108551385082Q,张华,2015-03-02,5000万元人民币,存续,江苏省,苏州市,吴中区\n\
                坏代码有限公司,91110108551385082X,李四,2016/5/1,100万,存续,,,\n";
    std::fs::write(&csv, rows).expect("write the import file");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_zhaoshang"))
        .args(["import", "enterprises", csv.to_str().expect("a UTF-8 path"), "--unit", "610703"])
        .env("ZS__DATABASE__URL", format!("sqlite://{}", path.display()))
        .env("ZS__SEARCH__DIR", ":memory:")
        .output()
        .expect("run zhaoshang import");
    let _ = std::fs::remove_file(&csv);
    assert!(output.status.success(), "zhaoshang import: {}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    for (table, _) in catalog(store).await {
        if !NOT_IN_FIXTURES.contains(&table.as_str()) && count(store, &format!("SELECT COUNT(*) FROM \"{table}\"")).await == 0 {
            println!("the seed leaves {table} empty: no fixture has rows in it");
        }
    }
    seed
}

/// One table of the seed as version N has it: its columns' values as SQL literals, by row.
struct SeedTable {
    name: String,
    columns: Vec<String>,
    /// (column, parent table, parent column), the version's foreign keys.
    parents: Vec<(String, String, String)>,
    rows: Vec<Vec<String>>,
}

impl SeedTable {
    fn value(&self, row: usize, column: &str) -> &str {
        &self.rows[row][self.columns.iter().position(|c| c == column).unwrap_or_else(|| panic!("{}.{column}", self.name))]
    }
}

/// The fixture of `version`: the seed's rows cut down to the tables and columns of that version,
/// a few per table and every row they point at, in foreign-key order.
async fn fixture_text(seed: &Store, version: usize, migration: &str) -> String {
    let at = sqlite().await;
    migrate_to(&at.store, version).await;
    let catalog = catalog(&at.store).await;
    let mut order: Vec<String> = query_strings(&at.store, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid")
        .await
        .into_iter()
        .filter_map(|r| r.into_iter().next().flatten())
        .filter(|t| !NOT_IN_FIXTURES.contains(&t.as_str()))
        .collect();
    let mut tables: Vec<SeedTable> = Vec::new();
    for name in &order {
        let columns: Vec<(String, String)> = catalog[name].clone();
        let parents: Vec<(String, String, String)> = query_strings(&at.store, &format!("SELECT \"from\", \"table\", \"to\" FROM pragma_foreign_key_list('{name}')"))
            .await
            .into_iter()
            .map(|r| (r[0].clone().unwrap(), r[1].clone().unwrap(), r[2].clone().unwrap_or_else(|| "id".into())))
            .collect();
        // quote() writes SQL literals; booleans are quoted so that PostgreSQL takes them.
        let select: Vec<String> = columns
            .iter()
            .map(|(c, declared)| if Kind::of(declared) == Kind::Bool { format!("quote(CAST(\"{c}\" AS TEXT))") } else { format!("quote(\"{c}\")") })
            .collect();
        let rows = query_strings(seed, &format!("SELECT {} FROM \"{name}\" ORDER BY rowid", select.join(", "))).await;
        let instants: Vec<bool> = columns.iter().map(|(_, declared)| Kind::of(declared) == Kind::Instant).collect();
        let rows = rows
            .into_iter()
            .map(|r| r.into_iter().zip(&instants).map(|(v, instant)| v.map(|v| if *instant { to_micros(&v) } else { v }).expect("quote() is never NULL")).collect())
            .collect();
        tables.push(SeedTable { name: name.clone(), columns: columns.into_iter().map(|(c, _)| c).collect(), parents, rows });
    }

    // Parents before children: the tables in creation order, each after those it points at.
    let index: HashMap<&str, usize> = tables.iter().enumerate().map(|(i, t)| (t.name.as_str(), i)).collect();
    let mut placed: Vec<String> = Vec::new();
    while !order.is_empty() {
        let next = order
            .iter()
            .position(|t| tables[index[t.as_str()]].parents.iter().all(|(_, p, _)| p == t || placed.contains(p) || !index.contains_key(p.as_str())))
            .unwrap_or(0);
        placed.push(order.remove(next));
    }

    // Table by table, parents first: a few rows (those pointing only at rows already in, so the
    // data hangs together, or else one that does not; those most pointed at; the smaller ones),
    // the newest audit entries, and every row they point at.
    let mut chosen: Vec<Vec<bool>> = tables.iter().map(|t| vec![false; t.rows.len()]).collect();
    let mut lookup: HashMap<(usize, String), HashMap<String, usize>> = HashMap::new();
    let mut parent_of = |tables: &[SeedTable], ti: usize, r: usize, column: &str, parent: &str, to: &str| -> Option<(usize, usize)> {
        let value = tables[ti].value(r, column);
        if value == "NULL" {
            return None;
        }
        let pi = index[parent];
        let by_value = lookup.entry((pi, to.to_string())).or_insert_with(|| (0..tables[pi].rows.len()).map(|row| (tables[pi].value(row, to).to_string(), row)).collect());
        let pr = *by_value.get(value).unwrap_or_else(|| panic!("the seed's {}.{column} = {value} points at no row of {parent}", tables[ti].name));
        Some((pi, pr))
    };
    // How many tables point at each row: rows many others point at come first, so that those
    // others find their parents already in.
    let mut pointed_at: HashMap<(usize, usize), HashSet<usize>> = HashMap::new();
    for (ci, child) in tables.iter().enumerate() {
        for (column, parent, to) in &child.parents {
            for r in 0..child.rows.len() {
                if let Some(p) = parent_of(&tables, ci, r, column, parent, to) {
                    pointed_at.entry(p).or_default().insert(ci);
                }
            }
        }
    }
    for name in &placed {
        let ti = index[name.as_str()];
        let t = &tables[ti];
        let picks: Vec<usize> = match name.as_str() {
            "audit_events" => (t.rows.len().saturating_sub(AUDIT_ENTRIES)..t.rows.len()).collect(),
            "audit_head" | "settings" => (0..t.rows.len()).collect(),
            _ => {
                let size = |r: usize| t.rows[r].iter().map(String::len).sum::<usize>();
                let mut ranked: Vec<(usize, std::cmp::Reverse<usize>, usize, usize)> = (0..t.rows.len())
                    .map(|r| {
                        let outside = t.parents.iter().filter_map(|(c, p, to)| parent_of(&tables, ti, r, c, p, to)).filter(|(pi, pr)| !chosen[*pi][*pr]).count();
                        let children = pointed_at.get(&(ti, r)).map_or(0, HashSet::len);
                        (outside, std::cmp::Reverse(children), size(r), r)
                    })
                    .collect();
                ranked.sort();
                let mut bytes = 0;
                let mut picks = Vec::new();
                for (outside, _, _, r) in ranked {
                    // A row that would pull in more parents only when the table has none yet.
                    if picks.len() == ROWS_PER_TABLE || (!picks.is_empty() && (bytes > TABLE_BYTES || outside > 0)) {
                        break;
                    }
                    bytes += size(r);
                    picks.push(r);
                }
                picks
            }
        };
        let mut work: Vec<(usize, usize)> = picks.into_iter().map(|r| (ti, r)).collect();
        while let Some((ti, r)) = work.pop() {
            if std::mem::replace(&mut chosen[ti][r], true) {
                continue;
            }
            for (column, parent, to) in &tables[ti].parents {
                work.extend(parent_of(&tables, ti, r, column, parent, to));
            }
        }
    }

    let mut out = String::new();
    out.push_str(&format!(
        "-- Upgrade-drill fixture: a zhaoshang database at schema version {version} ({migration}).\n\
         -- Written by `write_upgrade_fixtures` (crates/zhaoshang/tests/upgrade.rs) from `zhaoshang gen --scale demo`\n\
         -- and a few more writes, cut down to this version's tables and columns: a few rows per table, every\n\
         -- row they point at, the newest {AUDIT_ENTRIES} audit entries behind an anchor. Released fixtures are never rewritten.\n\
         -- schema: {migration}\n\
         -- written: {}\n",
        chrono::Utc::now().format("%Y-%m-%d")
    ));
    for name in &placed {
        let ti = index[name.as_str()];
        let t = &tables[ti];
        let mut rows: Vec<usize> = (0..t.rows.len()).filter(|r| chosen[ti][*r]).collect();
        if rows.is_empty() {
            continue;
        }
        // A row pointing at another of its own table comes after it.
        let own: Vec<&(String, String, String)> = t.parents.iter().filter(|(_, p, _)| p == name).collect();
        let mut ordered: Vec<usize> = Vec::new();
        while !rows.is_empty() {
            let next = rows
                .iter()
                .position(|r| own.iter().all(|(c, _, to)| t.value(*r, c) == "NULL" || ordered.iter().any(|o| t.value(*o, to) == t.value(*r, c))))
                .unwrap_or(0);
            ordered.push(rows.remove(next));
        }
        let head = format!("INSERT INTO \"{name}\" ({}) VALUES ", t.columns.iter().map(|c| format!("\"{c}\"")).collect::<Vec<_>>().join(", "));
        for r in ordered {
            let mut values = t.rows[r].clone();
            if name == "audit_head" {
                // The chain starts after the entries left out, as after `zhaoshang audit prune`.
                audit_anchor(&tables[index["audit_events"]], &chosen[index["audit_events"]], t, &mut values);
            }
            out.push_str(&format!("{head}({});\n", values.join(", ")));
        }
    }
    out
}

/// An instant to the microsecond: SQLite keeps what the application wrote (nanoseconds), but
/// PostgreSQL keeps microseconds, so a fixture holds only what both can hold exactly.
fn to_micros(literal: &str) -> String {
    let Some(dot) = literal.find('.') else { return literal.to_string() };
    let digits = literal[dot + 1..].bytes().take_while(u8::is_ascii_digit).count();
    if digits <= 6 {
        return literal.to_string();
    }
    format!("{}{}", &literal[..dot + 7], &literal[dot + 1 + digits..])
}

/// Points the audit head's anchor at the entry before the first one kept.
fn audit_anchor(events: &SeedTable, chosen: &[bool], head: &SeedTable, values: &mut [String]) {
    let Some(first) = (0..events.rows.len()).filter(|r| chosen[*r]).min_by_key(|r| events.value(*r, "seq").parse::<i64>().unwrap_or(i64::MAX)) else { return };
    let seq: i64 = events.value(first, "seq").parse().expect("audit seq");
    let set = |values: &mut [String], column: &str, value: String| values[head.columns.iter().position(|c| c == column).expect("audit_head column")] = value;
    set(values, "anchor_seq", (seq - 1).to_string());
    set(values, "anchor_hash", events.value(first, "prev_hash").to_string());
}
