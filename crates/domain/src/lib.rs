//! Pure types and rules of zhaoshang: no IO, no async, no SQL, no HTTP.
//! Every rule a user could argue with lives here, table-tested, and explains itself.

/// A closed vocabulary stored by code and shown by its Chinese label.
macro_rules! coded {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $code:literal, $label:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            pub fn parse(code: &str) -> Option<$name> {
                Self::ALL.iter().copied().find(|v| v.code() == code.trim())
            }

            /// Accepts the code or the Chinese label (imports and forms use either).
            pub fn parse_any(text: &str) -> Option<$name> {
                let text = text.trim();
                Self::ALL.iter().copied().find(|v| v.code() == text || v.label() == text)
            }

            pub fn options() -> Vec<(&'static str, &'static str)> {
                Self::ALL.iter().map(|v| (v.code(), v.label())).collect()
            }
        }
    };
}

pub mod access;
pub mod aftercare;
pub mod approvals;
pub mod assessment;
pub mod audit;
pub mod dates;
pub mod dispatch;
pub mod event;
pub mod imports;
pub mod industry;
pub mod matching;
pub mod money;
pub mod names;
pub mod notify;
pub mod password;
pub mod profile;
pub mod project;
pub mod rates;
pub mod region;
pub mod role;
pub mod target;
pub mod unit;
pub mod uscc;
pub mod webhook;

pub use access::{Access, Actor, Denied};
pub use role::Role;
pub use unit::UnitKind;
