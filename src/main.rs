//! The `votum` command line; everything it runs lives in the library.

fn main() -> std::process::ExitCode {
    votum::cli::main()
}
