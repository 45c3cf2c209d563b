//! The checksum's spec: a BOM, CRLF/CR line ends and trailing whitespace do not count.
#![no_main]

use ferry_core::Checksum;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let sum = Checksum::of(text);
    assert_eq!(Checksum::from_hex(sum.algorithm, &sum.hex()), Some(sum));
    if !text.starts_with('\u{feff}') {
        assert_eq!(
            Checksum::of(&format!("\u{feff}{text}")),
            sum,
            "a BOM counts"
        );
    }
    let lf = text.replace("\r\n", "\n").replace('\r', "\n");
    assert_eq!(Checksum::of(&lf), sum, "line endings count");
    assert_eq!(
        Checksum::of(&format!("{text} \n\t")),
        sum,
        "trailing blanks count"
    );
});
