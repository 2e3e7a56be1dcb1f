//! Writes the venue seating of a problem (`carematch_core::venues::seating_instance`)
//! in the spec's kernel file format, for `benches/venue_peers.py` to give the same
//! instance to carematch's kernel and to OR-Tools.
//!
//! `cargo run --release --example seats -- PROBLEM > seats.txt`

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: seats PROBLEM");
        std::process::exit(2);
    };
    let problem = match std::fs::read(&path)
        .map_err(|e| e.to_string())
        .and_then(|b| carematch_core::Problem::from_json(&b).map_err(|e| e.to_string()))
    {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {path}: {e}");
            std::process::exit(2);
        }
    };
    let inst = carematch_core::venues::seating_instance(&problem);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if let Err(e) = carematch_core::assign::write_text(&inst, &mut out) {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}
