//! `carematch`: the command line of the carematch engine.
//!
//! `demo`, `solve`, `check`, `generate` and `serve`, as the wire-format spec's table
//! says. Standard output carries only JSON (or the demo's summary); progress and errors
//! go to standard error. Exit status 2 means invalid input.

mod demo;
mod import;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use carematch_core::{check, Error, ErrorKind, FieldPath, Problem};
use clap::{Parser, Subcommand};

/// Largest problem or plan document read, in bytes (1 GiB: a million needs is ~300 MB).
const MAX_INPUT_BYTES: u64 = 1 << 30;

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
    Solve {
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
    },
    /// Read a problem from a station's CSV files (UTF-8, header row; columns in the
    /// README) and write it as JSON; errors name file, row and column.
    Import {
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
        /// Write the problem here instead of standard output (nothing on error).
        #[arg(short = 'o', long = "output", value_name = "PROBLEM")]
        output: Option<PathBuf>,
    },
    /// Write a plan as CSV (one row per visit: `--csv PLAN`) or as GeoJSON (routes,
    /// visits and unserved needs: `--geojson PROBLEM PLAN`, haversine problems); or a
    /// problem as the sheets `import` reads (`--sheets PROBLEM -o DIR`).
    Export {
        /// CSV, one row per visit, for printing.
        #[arg(long, conflicts_with_all = ["geojson", "sheets"], required_unless_present_any = ["geojson", "sheets"])]
        csv: bool,
        /// GeoJSON FeatureCollection, for a map.
        #[arg(long, conflicts_with = "sheets")]
        geojson: bool,
        /// elders.csv, needs.csv and providers.csv of a problem, into the folder `-o`.
        #[arg(long, requires = "output")]
        sheets: bool,
        /// `--csv PLAN`, `--geojson PROBLEM PLAN` or `--sheets PROBLEM` (`-`: standard
        /// input, once).
        #[arg(value_name = "FILE", num_args = 1..=2, required = true)]
        files: Vec<PathBuf>,
        /// Write here instead of standard output (with `--sheets`: the folder).
        #[arg(short = 'o', long = "output", value_name = "OUT")]
        output: Option<PathBuf>,
    },
    /// Write one self-contained HTML page of a plan: map, timeline per carer,
    /// unserved needs and gaps (no network needed to open it).
    View {
        /// The problem file.
        problem: PathBuf,
        /// The plan file.
        plan: PathBuf,
        /// The page to write.
        #[arg(short = 'o', long = "output", value_name = "HTML")]
        output: PathBuf,
    },
    /// Check a plan against every feasibility rule; exit 1 if any is broken.
    Check {
        /// The problem file (or `-`).
        problem: PathBuf,
        /// The plan file (or `-`).
        plan: PathBuf,
    },
    /// Write a synthetic city problem of about N needs.
    Generate {
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
        /// A care programme over D days (1 to 28) instead: the city's needs as series
        /// of visits (meals on weekdays, baths once or twice a week, daily check-ins
        /// for elders living alone), weekly hours, carer changes priced.
        #[arg(long, value_name = "D", conflicts_with_all = ["stations", "windows", "layout", "healthcare"])]
        days: Option<usize>,
        /// The community half too (city and programme): a canteen and a day-care
        /// centre in every community, elders' walking limits, prices and vouchers.
        #[arg(long, conflicts_with_all = ["stations", "windows", "layout", "healthcare"])]
        venues: bool,
    },
    /// Run the HTTP service until SIGTERM or Ctrl-C (then finish the requests in flight).
    Serve(ServeArgs),
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
    /// Plan sessions kept for /v1/dispatch (0: none).
    #[arg(long, default_value_t = 16)]
    sessions: usize,
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
        Command::Demo { out, week } => {
            let input = carematch_synth::community::with_venues(if week {
                carematch_synth::week::demo_week()
            } else {
                carematch_synth::demo_community()
            });
            let problem = Problem::from_input(input.clone())?;
            let plan = carematch_core::solve(&problem)?;
            let violations = check(&problem, &plan);
            if let Some(dir) = out {
                std::fs::create_dir_all(&dir)?;
                write_json(&dir.join("problem.json"), &input)?;
                write_json(&dir.join("plan.json"), &plan)?;
                eprintln!(
                    "wrote {} and {}",
                    dir.join("problem.json").display(),
                    dir.join("plan.json").display()
                );
            }
            print!("{}", demo::summary(&problem, &plan, &violations));
            Ok(if violations.is_empty() { 0 } else { 1 })
        }
        Command::Solve {
            problem,
            output,
            algorithm,
            html,
            csv,
        } => {
            let bytes = read_input(problem.as_deref(), "problem")?;
            let problem = Problem::from_json(&bytes)?;
            eprintln!(
                "solving {} needs, {} providers",
                problem.needs().len(),
                problem.providers().len()
            );
            let algorithm = match algorithm {
                AlgorithmArg::Auto => carematch_core::Algorithm::Auto,
                AlgorithmArg::Matching => carematch_core::Algorithm::Matching,
                AlgorithmArg::Baseline => carematch_core::Algorithm::Baseline,
            };
            let plan = solve_showing_progress(&problem, algorithm)?;
            eprintln!(
                "served {} of {} needs in {} ms",
                plan.summary.assigned, plan.summary.needs, plan.summary.solve_ms
            );
            if let Some(path) = html {
                let page = carematch_present::view::page(&problem, &plan)?;
                write_file(&path, page.as_bytes())?;
            }
            if let Some(path) = csv {
                let mut rows = Vec::new();
                carematch_present::export::csv(&plan, &mut rows)
                    .map_err(|e| Failure::Other(e.to_string()))?;
                write_file(&path, &rows)?;
            }
            match output {
                Some(path) => write_json(&path, &plan)?,
                None => print_json(&plan)?,
            }
            Ok(0)
        }
        Command::Import {
            elders,
            needs,
            providers,
            services,
            output,
        } => {
            let problem = import::import(&import::Files {
                elders: &elders,
                needs: &needs,
                providers: &providers,
                services: services.as_deref(),
            })?;
            eprintln!(
                "imported {} elders, {} needs, {} providers",
                problem.elders.len(),
                problem.needs.len(),
                problem.providers.len()
            );
            match output {
                Some(path) => write_json(&path, &problem)?,
                None => print_json(&problem)?,
            }
            Ok(0)
        }
        Command::Export {
            sheets: true,
            files,
            output: Some(dir),
            ..
        } => export_sheets(&files, &dir),
        Command::Export {
            csv, files, output, ..
        } => export(csv, &files, output.as_deref()),
        Command::View {
            problem,
            plan,
            output,
        } => {
            let problem = Problem::from_json(&read_input(Some(&problem), "problem")?)?;
            let plan = carematch_core::check::parse_plan(&read_input(Some(&plan), "plan")?)?;
            let page = carematch_present::view::page(&problem, &plan)?;
            std::fs::write(&output, page)
                .map_err(|e| Failure::Other(format!("cannot write {}: {e}", output.display())))?;
            eprintln!("wrote {}", output.display());
            Ok(0)
        }
        Command::Check { problem, plan } => {
            if problem.as_os_str() == "-" && plan.as_os_str() == "-" {
                return Err(Failure::Input(input_error(
                    "only one of PROBLEM and PLAN can be standard input",
                )));
            }
            let problem = Problem::from_json(&read_input(Some(&problem), "problem")?)?;
            let plan = carematch_core::check::parse_plan(&read_input(Some(&plan), "plan")?)?;
            let violations = check(&problem, &plan);
            for v in &violations {
                eprintln!("{v}");
            }
            if violations.is_empty() {
                eprintln!(
                    "feasible: {} routes, {} needs served",
                    plan.routes.len(),
                    plan.summary.assigned
                );
                Ok(0)
            } else {
                eprintln!("{} violation(s)", violations.len());
                Ok(1)
            }
        }
        Command::Generate {
            needs,
            seed,
            stations,
            windows,
            layout,
            healthcare,
            days,
            venues,
        } => {
            if needs > carematch_core::limits::MAX_NEEDS {
                return Err(Failure::Input(input_error(&format!(
                    "--needs {needs} is above the limit of {}",
                    carematch_core::limits::MAX_NEEDS
                ))));
            }
            let p = if let Some(days) = days {
                if !(1..=28).contains(&days) {
                    return Err(Failure::Input(input_error(&format!(
                        "--days {days}: give 1 to 28"
                    ))));
                }
                carematch_synth::week::generate(needs, days, seed)
            } else if healthcare {
                carematch_synth::healthcare::generate(needs, seed)
            } else if stations.is_some() || windows.is_some() || layout.is_some() {
                use carematch_synth::station::{Layout, Spec, Windows};
                let stations = stations.unwrap_or(1);
                if !(1..=9).contains(&stations) {
                    return Err(Failure::Input(input_error(&format!(
                        "--stations {stations}: give 1 to 9"
                    ))));
                }
                carematch_synth::station::generate(&Spec {
                    needs,
                    stations,
                    windows: match windows {
                        Some(WindowsArg::Wide) => Windows::Wide,
                        _ => Windows::Tight,
                    },
                    layout: match layout {
                        Some(LayoutArg::Clustered) => Layout::Clustered,
                        Some(LayoutArg::Mixed) => Layout::Mixed,
                        _ => Layout::Random,
                    },
                    seed,
                })
            } else {
                carematch_synth::generate(needs, seed)
            };
            let p = if venues {
                carematch_synth::community::with_venues(p)
            } else {
                p
            };
            print_json(&p)?;
            eprintln!(
                "generated {} needs, {} elders, {} providers",
                p.needs.len(),
                p.elders.len(),
                p.providers.len()
            );
            Ok(0)
        }
        Command::Serve(args) => serve(args),
    }
}

fn serve(args: ServeArgs) -> Result<u8, Failure> {
    let addr = args
        .addr
        .parse()
        .map_err(|e| Failure::Input(input_error(&format!("--addr {}: {e}", args.addr))))?;
    let api_key = match &args.api_key_file {
        None => None,
        Some(f) => {
            let key = std::fs::read_to_string(f)
                .map_err(|e| Failure::Other(format!("cannot read {}: {e}", f.display())))?;
            let key = key.trim().to_owned();
            if key.is_empty() {
                return Err(Failure::Other(format!("{} is empty", f.display())));
            }
            Some(key)
        }
    };
    let config = carematch_server::Config {
        addr,
        max_body_bytes: args.max_body_mib.saturating_mul(1 << 20),
        max_needs: args.max_needs.min(carematch_core::limits::MAX_NEEDS),
        max_time_limit_ms: args
            .max_time_limit_ms
            .min(carematch_core::limits::MAX_TIME_LIMIT_MS as u64),
        solve_slots: args.solve_slots.max(1),
        queue: args.queue,
        sessions: args.sessions,
        api_key,
        ..carematch_server::Config::default()
    };
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::Other(format!("cannot start the runtime: {e}")))?;
    runtime
        .block_on(carematch_server::serve(config))
        .map_err(|e| Failure::Other(format!("cannot serve on {}: {e}", args.addr)))?;
    Ok(0)
}

fn input_error(msg: &str) -> Error {
    Error::new(ErrorKind::Io, FieldPath::root(), msg)
}

/// Solves `problem`; on a terminal, a solve longer than a second shows its phase and
/// best plan so far on standard error (nothing when standard error is not a terminal).
fn solve_showing_progress(
    problem: &Problem,
    algorithm: carematch_core::Algorithm,
) -> Result<carematch_core::Plan, Error> {
    use carematch_core::solve::Progress;
    use std::io::IsTerminal;
    if !std::io::stderr().is_terminal() {
        return carematch_core::solve_with(problem, algorithm);
    }
    // Hidden until the solve has taken a second.
    let bar =
        indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::hidden())
            .with_style(indicatif::ProgressStyle::default_spinner());
    let started = std::time::Instant::now();
    let shown = std::sync::atomic::AtomicBool::new(false);
    let phase = std::sync::Mutex::new("");
    let plan = carematch_core::solve_observed(problem, algorithm, &|p| {
        let text = match p {
            Progress::Phase(name) => {
                *phase.lock().unwrap_or_else(|e| e.into_inner()) = name;
                name.to_owned()
            }
            Progress::Best { iterations, score } => format!(
                "{}: best so far serves {} needs, priority {}, cost {} ({iterations} iterations)",
                phase.lock().unwrap_or_else(|e| e.into_inner()),
                score.served,
                score.priority,
                score.cost.unwrap_or(0)
            ),
            _ => return,
        };
        if started.elapsed().as_secs_f64() >= 1.0
            && !shown.swap(true, std::sync::atomic::Ordering::Relaxed)
        {
            bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
            bar.enable_steady_tick(std::time::Duration::from_millis(120));
        }
        bar.set_message(text);
    });
    bar.finish_and_clear();
    plan
}

/// Writes `bytes` to `path`.
fn write_file(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    std::fs::write(path, bytes)
        .map_err(|e| Failure::Other(format!("cannot write {}: {e}", path.display())))
}

/// `carematch export --sheets PROBLEM -o DIR`: the problem as the sheets `import` reads.
fn export_sheets(files: &[PathBuf], dir: &Path) -> Result<u8, Failure> {
    let [problem] = files else {
        return Err(Failure::Input(input_error(
            "--sheets takes one file: PROBLEM",
        )));
    };
    let bytes = read_input(Some(problem), "problem")?;
    let input: carematch_core::ProblemInput =
        carematch_core::error::from_json(&bytes, ErrorKind::InvalidProblem)?;
    Problem::from_input(input.clone())?;
    let sheets = import::sheets(&input)
        .map_err(|e| Failure::Input(Error::new(ErrorKind::InvalidProblem, FieldPath::root(), e)))?;
    std::fs::create_dir_all(dir)?;
    for (name, text) in ["elders.csv", "needs.csv", "providers.csv"]
        .iter()
        .zip(sheets)
    {
        std::fs::write(dir.join(name), text)?;
    }
    eprintln!(
        "wrote elders.csv, needs.csv and providers.csv in {}",
        dir.display()
    );
    Ok(0)
}

/// `carematch export`: CSV of `[PLAN]` or GeoJSON of `[PROBLEM, PLAN]`.
fn export(csv: bool, files: &[PathBuf], output: Option<&Path>) -> Result<u8, Failure> {
    let want = if csv { 1 } else { 2 };
    if files.len() != want {
        return Err(Failure::Input(input_error(if csv {
            "--csv takes one file: PLAN"
        } else {
            "--geojson takes two files: PROBLEM PLAN"
        })));
    }
    let plan_path = &files[want - 1];
    let plan = carematch_core::check::parse_plan(&read_input(Some(plan_path), "plan")?)?;
    let mut bytes = Vec::new();
    if csv {
        carematch_present::export::csv(&plan, &mut bytes)
            .map_err(|e| Failure::Other(e.to_string()))?;
    } else {
        let problem = Problem::from_json(&read_input(Some(&files[0]), "problem")?)?;
        let collection = carematch_present::export::geojson(&problem, &plan)?;
        serde_json::to_writer(&mut bytes, &collection)
            .map_err(|e| Failure::Other(e.to_string()))?;
        bytes.push(b'\n');
    }
    match output {
        Some(path) => write_file(path, &bytes)?,
        None => std::io::stdout()
            .lock()
            .write_all(&bytes)
            .map_err(|e| Failure::Other(e.to_string()))?,
    }
    Ok(0)
}

/// Reads a file, or standard input for `-` / `None`, up to [`MAX_INPUT_BYTES`].
fn read_input(path: Option<&Path>, what: &str) -> Result<Vec<u8>, Failure> {
    let mut buf = Vec::new();
    let res = match path {
        None => std::io::stdin()
            .lock()
            .take(MAX_INPUT_BYTES + 1)
            .read_to_end(&mut buf),
        Some(p) if p.as_os_str() == "-" => std::io::stdin()
            .lock()
            .take(MAX_INPUT_BYTES + 1)
            .read_to_end(&mut buf),
        Some(p) => {
            std::fs::File::open(p).and_then(|f| f.take(MAX_INPUT_BYTES + 1).read_to_end(&mut buf))
        }
    };
    let name = path.map_or("standard input".to_owned(), |p| p.display().to_string());
    res.map_err(|e| Failure::Input(input_error(&format!("cannot read the {what} {name}: {e}"))))?;
    if buf.len() as u64 > MAX_INPUT_BYTES {
        return Err(Failure::Input(input_error(&format!(
            "the {what} {name} is larger than {MAX_INPUT_BYTES} bytes"
        ))));
    }
    Ok(buf)
}

/// Writes `value` as one line of JSON to `path`.
fn write_json<T: serde::Serialize>(path: &Path, value: &T) -> Result<(), Failure> {
    let f = std::fs::File::create(path)
        .map_err(|e| Failure::Other(format!("cannot write {}: {e}", path.display())))?;
    json_line(f, value)
}

/// Writes `value` as one line of JSON to standard output.
fn print_json<T: serde::Serialize>(value: &T) -> Result<(), Failure> {
    json_line(std::io::stdout().lock(), value)
}

fn json_line<T: serde::Serialize>(out: impl Write, value: &T) -> Result<(), Failure> {
    let mut w = std::io::BufWriter::new(out);
    serde_json::to_writer(&mut w, value).map_err(|e| Failure::Other(e.to_string()))?;
    writeln!(w)?;
    w.flush()?;
    Ok(())
}
