//! Empty: this package only pins downloads (see Cargo.toml).
