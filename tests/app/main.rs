//! All integration tests in one binary (each file in tests/ would be a
//! separate slow link). Every test runs on SQLite and on PostgreSQL.

// Test code may panic on the unexpected; that is how a test fails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod support;

mod admin;
mod audit;
mod auth;
mod authority;
mod bad_input;
mod ballot_box;
mod ballot_letters;
mod bank;
mod browser;
mod cli;
mod demo;
mod directory;
mod encrypted;
mod everyday;
mod exports;
mod i18n;
mod import;
mod letters;
mod lifecycle;
mod mail;
mod members;
mod migrations;
mod officer;
mod offices;
mod postal;
mod privacy;
mod reissue;
mod routes;
mod secrets;
mod selfservice;
mod survey_channels;
mod survey_scopes;
mod surveys;
mod tally;
mod text_fields;
mod trustees;
mod unlinkable;
mod vote;
