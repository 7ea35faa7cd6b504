//! Search over the enterprise universe, targets, projects and follow-ups, and the ranking of the
//! universe against a chain's gaps (DESIGN §8).
//!
//! The index is a per-instance cache of the database: a tantivy index fed from `search_outbox`
//! (filled by triggers, see store::search_feed). Each instance keeps its own copy and its own
//! position in the outbox, saved in the index's commit. Permissions never depend on the index
//! being fresh: the index is asked only while it is at most a few hundred changes behind (it
//! catches up first); further behind or missing, the search goes to the database (slower, same
//! answers), and every record shown is checked again against the database.

pub mod index;
pub mod query;
pub mod rank;
pub mod text;

pub use index::{Search, Status};
pub use query::{Facets, Filters, Hit, Outcome, Request};
pub use rank::{Ranked, Ranking, RankRequest};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("索引出错：{0}")]
    Index(#[from] tantivy::TantivyError),
    #[error(transparent)]
    Store(#[from] store::StoreError),
    #[error("{0}")]
    Invalid(String),
}

pub type Result<T> = std::result::Result<T, Error>;

impl From<tantivy::directory::error::OpenDirectoryError> for Error {
    fn from(e: tantivy::directory::error::OpenDirectoryError) -> Self {
        Error::Index(e.into())
    }
}

impl From<tantivy::query::QueryParserError> for Error {
    fn from(e: tantivy::query::QueryParserError) -> Self {
        Error::Invalid(e.to_string())
    }
}
