//! The `ferry` binary: everything is in the library; this exits with its code.

fn main() {
    std::process::exit(ferry_cli::run());
}
