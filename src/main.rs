//! `carematch`: the command line of the carematch engine.
//!
//! `demo`, `solve`, `check`, `generate` and `serve`, as the wire-format spec's table
//! says. Standard output carries only JSON (or the demo's summary); progress and errors
//! go to standard error. Exit status 2 means invalid input.

mod commands;
mod demo;
mod files;
mod import;

use std::path::PathBuf;
use std::process::ExitCode;

use carematch_core::Error;
use clap::{Parser, Subcommand};

/// The search allocates and frees small buffers (candidate places, route copies)
/// hundreds of times per iteration, on every thread; with mimalloc's per-thread
/// free lists the search runs 7.5 % fewer instructions than with the system
/// allocator (callgrind, a generated 100-patient linked day, same plan).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "carematch",
    version,
    about = "Match elders' care needs to carers and volunteers, and plan the day"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Solve the built-in demo community and print a readable summary.
    Demo {
        /// Also write DIR/problem.json and DIR/plan.json.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// The community's week instead of its weekday: meals every weekday, baths
        /// once or twice a week, daily check-ins, carers with weekly hours.
        #[arg(long)]
        week: bool,
    },
    /// Read a problem (file or `-` for stdin) and write its plan.
    Solve(SolveArgs),
    /// Read a problem from a station's CSV files (UTF-8, header row; columns in the
    /// README) and write it as JSON; errors name file, row and column.
    Import(ImportArgs),
    /// Write a plan as CSV (one row per visit: `--csv PLAN`) or as GeoJSON (routes,
    /// visits and unserved needs: `--geojson PROBLEM PLAN`, haversine problems); or a
    /// problem as the sheets `import` reads (`--sheets PROBLEM -o DIR`).
    Export(ExportArgs),
    /// Write one self-contained HTML page of a plan: map, timeline per carer,
    /// unserved needs and gaps (no network needed to open it).
    View(ViewArgs),
    /// Check a plan against every feasibility rule; exit 1 if any is broken.
    Check(CheckArgs),
    /// Apply a batch of the day's events (`{"now", "events": [...]}`: visits done or
    /// missed, needs cancelled or added, carers absent, elders away) to a plan; write
    /// `{"plan", "changes"}`: the new plan and every visit that changed.
    Replan(ReplanArgs),
    /// Write a synthetic city problem of about N needs.
    Generate(GenerateArgs),
    /// Run the HTTP service until SIGTERM or Ctrl-C (then finish the requests in flight).
    Serve(ServeArgs),
    /// Print a time-bank account's statement from the service's store: balance
    /// (minutes earned less spent) and every entry of the stored plan sessions.
    Account(AccountArgs),
    /// Make a new API key: prints the key (give it to the client, once) and its line
    /// for the key file of `serve --keys` (which never holds the key itself).
    Key {
        /// The key's id in the key file.
        #[arg(default_value = "client")]
        id: String,
    },
}

/// The arguments of `solve`.
#[derive(clap::Args)]
struct SolveArgs {
    /// The problem file; `-` or absent: standard input.
    #[arg(value_name = "PROBLEM|-")]
    problem: Option<PathBuf>,
    /// Write the plan here instead of standard output.
    #[arg(short = 'o', long = "output", value_name = "PLAN")]
    output: Option<PathBuf>,
    /// The construction: `auto` (both, the better plan), `matching` (exact
    /// assignment) or `baseline` (cheapest insertion).
    #[arg(long, value_enum, default_value_t = AlgorithmArg::Auto)]
    algorithm: AlgorithmArg,
    /// Also write the plan's page here (as `carematch view` does).
    #[arg(long, value_name = "HTML")]
    html: Option<PathBuf>,
    /// Also write the visit list here (as `carematch export --csv` does).
    #[arg(long, value_name = "CSV")]
    csv: Option<PathBuf>,
}

/// The arguments of `import`.
#[derive(clap::Args)]
struct ImportArgs {
    /// elders.csv
    #[arg(long, value_name = "CSV")]
    elders: PathBuf,
    /// needs.csv
    #[arg(long, value_name = "CSV")]
    needs: PathBuf,
    /// providers.csv
    #[arg(long, value_name = "CSV")]
    providers: PathBuf,
    /// services.csv (optional)
    #[arg(long, value_name = "CSV")]
    services: Option<PathBuf>,
    /// history.csv (optional): past visits, ratings, complaints
    #[arg(long, value_name = "CSV")]
    history: Option<PathBuf>,
    /// Write the problem here instead of standard output (nothing on error).
    #[arg(short = 'o', long = "output", value_name = "PROBLEM")]
    output: Option<PathBuf>,
}

/// The arguments of `export`.
#[derive(clap::Args)]
struct ExportArgs {
    /// CSV, one row per visit, for printing.
    #[arg(long, conflicts_with_all = ["geojson", "sheets", "quality"], required_unless_present_any = ["geojson", "sheets", "quality"])]
    csv: bool,
    /// CSV of the plan's quality report over the history: a row per carer, station
    /// and group (visits done and missed, ratings, complaints, elders).
    #[arg(long, conflicts_with_all = ["geojson", "sheets"])]
    quality: bool,
    /// GeoJSON FeatureCollection, for a map.
    #[arg(long, conflicts_with = "sheets")]
    geojson: bool,
    /// elders.csv, needs.csv and providers.csv of a problem, into the folder `-o`.
    #[arg(long, requires = "output")]
    sheets: bool,
    /// `--csv PLAN`, `--quality PLAN`, `--geojson PROBLEM PLAN` or `--sheets PROBLEM` (`-`: standard
    /// input, once).
    #[arg(value_name = "FILE", num_args = 1..=2, required = true)]
    files: Vec<PathBuf>,
    /// Write here instead of standard output (with `--sheets`: the folder).
    #[arg(short = 'o', long = "output", value_name = "OUT")]
    output: Option<PathBuf>,
}

/// The arguments of `view`.
#[derive(clap::Args)]
struct ViewArgs {
    /// The problem file.
    problem: PathBuf,
    /// The plan file.
    plan: PathBuf,
    /// The page to write.
    #[arg(short = 'o', long = "output", value_name = "HTML")]
    output: PathBuf,
    /// The plan as first made (before the day's events): the visits that differ from
    /// it are marked as changed.
    #[arg(long, value_name = "FIRST_PLAN")]
    since: Option<PathBuf>,
}

/// The arguments of `check`.
#[derive(clap::Args)]
struct CheckArgs {
    /// The problem file (or `-`).
    problem: PathBuf,
    /// The plan file (or `-`).
    plan: PathBuf,
}

/// The arguments of `replan`.
#[derive(clap::Args)]
struct ReplanArgs {
    /// The problem file.
    problem: PathBuf,
    /// The plan file.
    plan: PathBuf,
    /// The events file (or `-`).
    events: PathBuf,
    /// Write `{"plan", "changes"}` here instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Also write the problem with the needs (and elders) the events added: the
    /// problem the new plan is checked against.
    #[arg(long, value_name = "FILE")]
    problem_out: Option<PathBuf>,
}

/// The arguments of `generate`.
#[derive(clap::Args)]
struct GenerateArgs {
    /// About how many needs.
    #[arg(long, value_name = "N")]
    needs: usize,
    /// Seed; the same seed gives the same city.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// A one-station problem instead of a city: every carer leaves from one of K
    /// stations (1 to 9); see also --windows and --layout.
    #[arg(long, value_name = "K")]
    stations: Option<usize>,
    /// One-station problems: tight (30-60 min) or wide (3-8 h) windows.
    #[arg(long, value_enum)]
    windows: Option<WindowsArg>,
    /// One-station problems: where elders live.
    #[arg(long, value_enum)]
    layout: Option<LayoutArg>,
    /// A home health care problem of N patients instead: one or two services each,
    /// about a quarter linked (together or in sequence), soft windows.
    #[arg(long, conflicts_with_all = ["stations", "windows", "layout"])]
    healthcare: bool,
    /// Health care problems: the share of patients with two linked services (default
    /// one in four).
    #[arg(long, value_name = "SHARE", requires = "healthcare")]
    linked: Option<f64>,
    /// Health care problems: the share of carers who can also do the other group's
    /// work (default 0.25).
    #[arg(long, value_name = "SHARE", requires = "healthcare")]
    overlap: Option<f64>,
    /// A care programme over D days (1 to 28) instead: the city's needs as series
    /// of visits (meals on weekdays, baths once or twice a week, daily check-ins
    /// for elders living alone), weekly hours, carer changes priced.
    #[arg(long, value_name = "D", conflicts_with_all = ["stations", "windows", "layout", "healthcare"])]
    days: Option<usize>,
    /// The community half too (city and programme): a canteen and a day-care
    /// centre in every community, elders' walking limits, prices and vouchers.
    #[arg(long, conflicts_with_all = ["stations", "windows", "layout", "healthcare"])]
    venues: bool,
    /// Contracted hours: every staff and organisation carer's `regular_work`, seconds
    /// a day (volunteers have none); price them with `options.weights.overtime` and
    /// `under_hours`.
    #[arg(long, value_name = "SECONDS")]
    regular_work: Option<i64>,
    /// A lunch break: every carer's shifts of one day become one shift (first start
    /// to last end) with a break of MINUTES starting between 12:00 and 13:00 (each day
    /// of a programme), taken where she is instead of a shift cut in two.
    #[arg(long, value_name = "MINUTES", value_parser = clap::value_parser!(i64).range(1..=240))]
    lunch: Option<i64>,
    /// W weeks (1 to 8) of past visits as `history`: each need's visits repeated on
    /// each week before the plan by one of the four nearest carers qualified for it
    /// (mostly the elder's last one), with outcomes, ratings and a few complaints.
    #[arg(long, value_name = "W", value_parser = clap::value_parser!(u8).range(1..=8))]
    history: Option<u8>,
}

/// The arguments of `account`.
#[derive(clap::Args)]
struct AccountArgs {
    /// The account: a time-bank volunteer's id, or an elder's `time_bank_account`.
    account: String,
    /// The store `serve` uses: `sqlite` (in --data) or `postgres://…`.
    #[arg(long, default_value = "sqlite")]
    store: String,
    /// The folder of the SQLite store.
    #[arg(long, value_name = "DIR", default_value = "carematch-data")]
    data: PathBuf,
    /// Whose sessions: the API key id (empty: a service without keys).
    #[arg(long, default_value = "")]
    owner: String,
}

/// The flags of `serve` (defaults: [`carematch_server::Config::default`]).
#[derive(clap::Args)]
struct ServeArgs {
    /// Address to listen on (port 0: any free port, printed at start).
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: String,
    /// A file holding the API key; when given, `/v1/*` and `/metrics` require
    /// `Authorization: Bearer KEY` (or `X-Api-Key: KEY`).
    #[arg(long, value_name = "FILE")]
    api_key_file: Option<PathBuf>,
    /// Largest request body, MiB.
    #[arg(long, default_value_t = 64)]
    max_body_mib: usize,
    /// Most needs in one problem.
    #[arg(long, default_value_t = 50_000)]
    max_needs: usize,
    /// Largest time limit a request may ask for, ms (larger ones are clamped).
    #[arg(long, default_value_t = 30_000)]
    max_time_limit_ms: u64,
    /// Solves running at once (beyond them and --queue waiting: 503).
    #[arg(long, default_value_t = 1)]
    solve_slots: usize,
    /// Requests waiting for a solve slot.
    #[arg(long, default_value_t = 8)]
    queue: usize,
    /// Plan sessions held in memory, the least recently used dropped first (every
    /// session stays stored).
    #[arg(long, default_value_t = 16)]
    sessions: usize,
    /// Where sessions and jobs are stored: `sqlite` (a file in --data, the default),
    /// `memory` (gone with the process), or `postgres://user:pass@host/db` (several
    /// replicas on one database).
    #[arg(long, default_value = "sqlite")]
    store: String,
    /// The folder of the SQLite store.
    #[arg(long, value_name = "DIR", default_value = "carematch-data")]
    data: PathBuf,
    /// Days after which an unused session is deleted (0: never).
    #[arg(long, value_name = "DAYS", default_value_t = 30)]
    session_ttl: u64,
    /// A key file: one key a line, `id sha256-of-key [rps=N] [burst=N] [jobs=N]`
    /// (`carematch key` makes one); then `/v1/*` and `/metrics` need one of its keys.
    #[arg(long, value_name = "FILE", conflicts_with = "api_key_file")]
    keys: Option<PathBuf>,
    /// Requests a second per key (where the key file gives none; default 50). Without
    /// keys the service is not rate limited unless this is given.
    #[arg(long)]
    key_rps: Option<u32>,
    /// Requests at once above that rate, per key.
    #[arg(long, default_value_t = 100)]
    key_burst: u32,
    /// Solve jobs running at once per key (the others wait in the queue).
    #[arg(long, default_value_t = 2)]
    key_jobs: usize,
}

/// The `--algorithm` of `solve`.
#[derive(Clone, Copy, clap::ValueEnum)]
enum AlgorithmArg {
    /// Both constructions; the plan with the better objective.
    Auto,
    /// Routes from the exact needs × providers assignment.
    Matching,
    /// Priority-ordered cheapest insertion (the reference).
    Baseline,
}

/// The `--windows` of `generate`.
#[derive(Clone, Copy, clap::ValueEnum)]
enum WindowsArg {
    /// 30 to 60 minutes: short routes.
    Tight,
    /// 3 to 8 hours: long routes.
    Wide,
}

/// The `--layout` of `generate`.
#[derive(Clone, Copy, clap::ValueEnum)]
enum LayoutArg {
    /// Uniform over the district.
    Random,
    /// Around residential compounds.
    Clustered,
    /// Half and half.
    Mixed,
}

/// How a command failed: invalid input (exit 2) or anything else (exit 1).
enum Failure {
    Input(Error),
    Other(String),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Input(e)
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        Failure::Other(e.to_string())
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(code) => ExitCode::from(code),
        Err(Failure::Input(e)) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
        Err(Failure::Other(msg)) => {
            eprintln!("error: {msg}");
            ExitCode::from(1)
        }
    }
}

fn run(command: Command) -> Result<u8, Failure> {
    match command {
        Command::Demo { out, week } => commands::demo(out, week),
        Command::Solve(args) => commands::solve(args),
        Command::Import(args) => commands::import(args),
        Command::Export(args) if args.sheets => commands::export_sheets(&args),
        Command::Export(args) => commands::export(&args),
        Command::View(args) => commands::view(args),
        Command::Check(args) => commands::check(args),
        Command::Replan(args) => commands::replan(args),
        Command::Generate(args) => commands::generate(args),
        Command::Serve(args) => commands::serve(args),
        Command::Account(args) => commands::account(&args),
        Command::Key { id } => commands::key(&id),
    }
}
