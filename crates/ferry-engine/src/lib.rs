//! ferry's database IO: the [`Driver`] trait with one implementation per engine, the
//! migration [`Lock`], and the [`runner`] that executes plans and keeps the history.
//! Nothing here prints: progress goes to an [`EventSink`].
#![deny(missing_docs)]

mod connect;
pub mod driver;
mod error;
mod events;
mod files;
mod inspect;
pub mod lock;
mod mysql;
mod postgres;
pub mod runner;
pub mod scratch;
mod sql;
mod sqlite;
mod sqlx_driver;
pub mod verify;

pub use connect::{ConnectOptions, connect, dialect_of};
pub use driver::{Capabilities, Driver, NewEvent, NewRow, RowUpdate};
pub use error::{DbError, EngineError, Location, MigrationFailure};
pub use events::{Discard, Event, EventSink};
pub use files::Files;
pub use lock::Lock;
pub use sql::TableNames;
