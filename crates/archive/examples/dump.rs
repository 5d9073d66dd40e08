//! Print the verification summary of stream files (development aid).
fn main() {
    for arg in std::env::args().skip(1) {
        let path = std::path::Path::new(&arg);
        let result = zflash_archive::Archive::open(path).and_then(|a| a.reader_with(false)?.finish());
        match result {
            Ok(v) => {
                let s = &v.summary;
                println!(
                    "{arg}: OK {} bytes {:?} recck={:?}/{} endck={} {}",
                    v.raw_bytes,
                    s.byte_order,
                    s.record_checksums,
                    s.record_checksums_checked,
                    s.end_checksums_checked,
                    s.records.short()
                );
                for sub in &s.substreams {
                    println!(
                        "   {} feat={:#x} {:?} flags={:#x} {} nv={:?}/{:?}",
                        sub.begin.name,
                        sub.begin.features,
                        sub.begin.feature_names,
                        sub.begin.flags,
                        sub.records.short(),
                        sub.begin.nvlist_encoding,
                        sub.begin.nvlist_error
                    );
                }
                if let Some(c) = &s.compound {
                    println!("   compound {} nv={:?} err={:?}", c.name, c.nvlist.as_ref().map(|n| n.0.len()), c.nvlist_error);
                }
            }
            Err(e) => println!("{arg}: ERR {e}"),
        }
    }
}
