//! File naming: any name is a migration name, not one, or an error; never a panic.
#![no_main]

use ferry_core::Version;
use ferry_core::naming::parse_file_name;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|name: &str| {
    for in_rollback in [false, true] {
        if let Ok(Some(parsed)) = parse_file_name(name, in_rollback) {
            // The label shown to users names the same version as the one compared.
            assert_eq!(
                Version::parse(&parsed.label).as_ref(),
                Some(&parsed.version)
            );
        }
    }
});
