//! One module per subcommand. Each exposes its clap arguments and a `run`.

pub mod admin;
pub mod bench;
pub mod hunt;
pub mod scan;
pub mod serve;
pub mod sigma;
pub mod webcheck;
