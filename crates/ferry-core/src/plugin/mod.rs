//! Plugins: each owns tables in the shared database and ships its own migrations and
//! semantic versions. Pure: the manifest (`plugin.toml`, [`Manifest`]) and the changelog's
//! releases and breaking changes ([`changelog`]) are read from their texts, and the
//! migrations of many plugins are ordered by their dependencies ([`graph`]).

pub mod changelog;
pub mod compat;
pub mod graph;
mod manifest;
pub mod upgrade;

pub use manifest::{EngineKey, Manifest, ManifestError};

/// The plugin the application's own migrations belong to.
pub const APP: &str = "app";
