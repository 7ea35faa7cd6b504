//! Pure types and rules of zhaoshang: no IO, no async, no SQL, no HTTP.
//! Every rule a user could argue with lives here, table-tested, and explains itself.

pub mod access;
pub mod audit;
pub mod industry;
pub mod money;
pub mod names;
pub mod password;
pub mod profile;
pub mod region;
pub mod role;
pub mod target;
pub mod unit;
pub mod uscc;

pub use access::{Access, Actor, Denied};
pub use role::Role;
pub use unit::UnitKind;
