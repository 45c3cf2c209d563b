//! Where ferry's migrations come from: a folder in ferry's or another tool's convention
//! ([`Folder`]), listed and read here so that `ferry-core` stays pure. The speed tricks
//! live here too: files are read on a few threads, and up scripts whose files are
//! unchanged are known from a summary cache ([`cache`]) instead of being read.
#![deny(missing_docs)]

pub mod cache;
mod folder;
mod listing;
pub mod plugins;

pub use folder::{Folder, FolderOptions, Loaded, Skipped};
