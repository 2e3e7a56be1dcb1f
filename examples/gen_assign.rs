//! Writes assignment kernel instances in the spec's file format, for the benchmarks
//! (the instances are [`carematch_synth::kernel`]'s).
//!
//! `gen_assign city NEEDS PROVIDERS DEGREE CAPACITY PENALTY DISTRICTS SEED`: needs and
//! providers uniform in a 10 km square (or split into DISTRICTS separate squares, with
//! no edge between them), each need linked to its DEGREE nearest providers of its
//! district, cost = distance in metres.
//! `gen_assign dense N SEED`: complete N × N, costs uniform in 0..1000, capacity 1,
//! penalty 10^9 (a one-to-one assignment).

use std::io::{BufWriter, Write};

use carematch_core::assign::write_text;
use carematch_synth::kernel::{city, dense, City};

fn main() {
    let a: Vec<String> = std::env::args().skip(1).collect();
    let num = |k: usize| -> u64 {
        a.get(k)
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| usage())
    };
    let inst = match a.first().map(String::as_str) {
        Some("city") => city(&City {
            needs: num(1) as usize,
            providers: num(2) as usize,
            degree: num(3) as usize,
            capacity: u32::try_from(num(4)).unwrap_or_else(|_| usage()),
            penalty: i64::try_from(num(5)).unwrap_or_else(|_| usage()),
            districts: num(6) as usize,
            seed: num(7),
        }),
        Some("dense") => dense(num(1) as usize, num(2)),
        _ => usage(),
    };
    let mut w = BufWriter::with_capacity(1 << 20, std::io::stdout().lock());
    if let Err(e) = write_text(&inst, &mut w).and_then(|()| w.flush()) {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

fn usage() -> ! {
    eprintln!("usage: gen_assign city NEEDS PROVIDERS DEGREE CAPACITY PENALTY DISTRICTS SEED | dense N SEED");
    std::process::exit(2)
}
