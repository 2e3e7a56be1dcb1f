//! One function per command of the command line: read the input, call the engine,
//! write the output.

use std::io::Write;
use std::path::PathBuf;

use carematch_core::wire::ProviderKind;
use carematch_core::{check as check_plan, Error, ErrorKind, FieldPath, Problem};

use crate::files::{input_error, print_json, read_input, write_file, write_json};
use crate::{
    demo, import as sheets, AccountArgs, AlgorithmArg, CheckArgs, ExportArgs, Failure,
    GenerateArgs, ImportArgs, LayoutArg, ReplanArgs, ServeArgs, SolveArgs, ViewArgs, WindowsArg,
};

/// `carematch demo [--week] [--out DIR]`.
pub(crate) fn demo(out: Option<PathBuf>, week: bool) -> Result<u8, Failure> {
    let input = carematch_synth::community::with_venues(if week {
        carematch_synth::week::demo_week()
    } else {
        carematch_synth::demo_community()
    });
    let problem = Problem::from_input(input.clone())?;
    let plan = carematch_core::solve(&problem)?;
    let violations = check_plan(&problem, &plan);
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

/// `carematch solve`.
pub(crate) fn solve(args: SolveArgs) -> Result<u8, Failure> {
    let bytes = read_input(args.problem.as_deref(), "problem")?;
    let problem = Problem::from_json(&bytes)?;
    eprintln!(
        "solving {} needs, {} providers",
        problem.needs().len(),
        problem.providers().len()
    );
    let algorithm = match args.algorithm {
        AlgorithmArg::Auto => carematch_core::Algorithm::Auto,
        AlgorithmArg::Matching => carematch_core::Algorithm::Matching,
        AlgorithmArg::Baseline => carematch_core::Algorithm::Baseline,
    };
    let plan = solve_showing_progress(&problem, algorithm)?;
    eprintln!(
        "served {} of {} needs in {} ms",
        plan.summary.assigned, plan.summary.needs, plan.summary.solve_ms
    );
    if let Some(path) = args.html {
        let page = carematch_present::view::page(&problem, &plan)?;
        write_file(&path, page.as_bytes())?;
    }
    if let Some(path) = args.csv {
        let mut rows = Vec::new();
        carematch_present::export::csv(&plan, &mut rows)
            .map_err(|e| Failure::Other(e.to_string()))?;
        write_file(&path, &rows)?;
    }
    match args.output {
        Some(path) => write_json(&path, &plan)?,
        None => print_json(&plan)?,
    }
    Ok(0)
}

/// `carematch import`.
pub(crate) fn import(args: ImportArgs) -> Result<u8, Failure> {
    let problem = sheets::import(&sheets::Files {
        elders: &args.elders,
        needs: &args.needs,
        providers: &args.providers,
        services: args.services.as_deref(),
        history: args.history.as_deref(),
    })?;
    eprintln!(
        "imported {} elders, {} needs, {} providers",
        problem.elders.len(),
        problem.needs.len(),
        problem.providers.len()
    );
    match args.output {
        Some(path) => write_json(&path, &problem)?,
        None => print_json(&problem)?,
    }
    Ok(0)
}

/// `carematch view`.
pub(crate) fn view(args: ViewArgs) -> Result<u8, Failure> {
    let problem = Problem::from_json(&read_input(Some(&args.problem), "problem")?)?;
    let plan = carematch_core::check::parse_plan(&read_input(Some(&args.plan), "plan")?)?;
    let first = match &args.since {
        Some(path) => Some(carematch_core::check::parse_plan(&read_input(
            Some(path),
            "first plan",
        )?)?),
        None => None,
    };
    let page = carematch_present::view::page_since(&problem, &plan, first.as_ref())?;
    write_file(&args.output, page.as_bytes())?;
    eprintln!("wrote {}", args.output.display());
    Ok(0)
}

/// `carematch check`: exit 1 when a rule is broken.
pub(crate) fn check(args: CheckArgs) -> Result<u8, Failure> {
    if args.problem.as_os_str() == "-" && args.plan.as_os_str() == "-" {
        return Err(Failure::Input(input_error(
            "only one of PROBLEM and PLAN can be standard input",
        )));
    }
    let problem = Problem::from_json(&read_input(Some(&args.problem), "problem")?)?;
    let plan = carematch_core::check::parse_plan(&read_input(Some(&args.plan), "plan")?)?;
    let violations = check_plan(&problem, &plan);
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

/// `carematch replan PROBLEM PLAN EVENTS`.
pub(crate) fn replan(args: ReplanArgs) -> Result<u8, Failure> {
    let mut input: carematch_core::ProblemInput = carematch_core::error::from_json(
        &read_input(Some(&args.problem), "problem")?,
        ErrorKind::InvalidProblem,
    )?;
    let mut problem = Problem::from_input(input.clone())?;
    let plan = carematch_core::check::parse_plan(&read_input(Some(&args.plan), "plan")?)?;
    let batch: carematch_core::wire::EventBatch = carematch_core::error::from_json(
        &read_input(Some(&args.events), "events")?,
        ErrorKind::InvalidProblem,
    )?;
    let r = carematch_core::events::replan(&mut problem, plan, &batch)?;
    eprintln!(
        "{} events at {}: {} visits changed, {} of {} needs served",
        batch.events.len(),
        batch.now,
        r.changes.len(),
        r.plan.summary.assigned,
        r.plan.summary.needs
    );
    if let Some(path) = args.problem_out {
        for e in batch.events {
            if let carematch_core::wire::Event::NeedAdded { need, elder } = e {
                input.needs.push(*need);
                input.elders.extend(elder);
            }
        }
        write_json(&path, &input)?;
    }
    let out = serde_json::json!({"plan": r.plan, "changes": r.changes});
    match args.output {
        Some(path) => write_json(&path, &out)?,
        None => print_json(&out)?,
    }
    Ok(0)
}

/// `carematch account`: the statement of a time-bank account, as JSON (what `GET
/// /v1/accounts/{account}` answers).
pub(crate) fn account(args: &AccountArgs) -> Result<u8, Failure> {
    if args.store == "memory" {
        return Err(Failure::Input(input_error(
            "--store memory is gone with its process: give sqlite or postgres://…",
        )));
    }
    if args.store == "sqlite" && !args.data.join("carematch.db").exists() {
        return Err(Failure::Input(input_error(&format!(
            "no store in {} (serve --data)",
            args.data.display()
        ))));
    }
    let store = carematch_server::store::open(&args.store, &args.data)
        .map_err(|e| Failure::Other(e.to_string()))?;
    let statement = carematch_server::store::statement(store.as_ref(), &args.owner, &args.account)
        .map_err(|e| Failure::Other(e.to_string()))?;
    print_json(&statement)?;
    Ok(0)
}

/// `carematch generate`.
pub(crate) fn generate(args: GenerateArgs) -> Result<u8, Failure> {
    let needs = args.needs;
    if needs > carematch_core::limits::MAX_NEEDS {
        return Err(Failure::Input(input_error(&format!(
            "--needs {needs} is above the limit of {}",
            carematch_core::limits::MAX_NEEDS
        ))));
    }
    let p = if let Some(days) = args.days {
        if !(1..=28).contains(&days) {
            return Err(Failure::Input(input_error(&format!(
                "--days {days}: give 1 to 28"
            ))));
        }
        carematch_synth::week::generate(needs, days, args.seed)
    } else if args.healthcare {
        let shape = carematch_synth::healthcare::Shape {
            linked: args.linked,
            overlap: args.overlap.unwrap_or(0.25),
        };
        for (flag, v) in [("--linked", args.linked), ("--overlap", args.overlap)] {
            if v.is_some_and(|x| !(0.0..=1.0).contains(&x)) {
                return Err(Failure::Input(input_error(&format!(
                    "{flag}: give a share from 0 to 1"
                ))));
            }
        }
        carematch_synth::healthcare::generate_shaped(needs, args.seed, shape)
    } else if args.stations.is_some() || args.windows.is_some() || args.layout.is_some() {
        one_station(&args)?
    } else {
        carematch_synth::generate(needs, args.seed)
    };
    let mut p = if args.venues {
        carematch_synth::community::with_venues(p)
    } else {
        p
    };
    if let Some(s) = args.regular_work {
        for c in p
            .providers
            .iter_mut()
            .filter(|c| c.kind != ProviderKind::Volunteer)
        {
            c.regular_work = Some(s);
        }
    }
    if let Some(m) = args.lunch {
        lunch(&mut p, m * 60);
    }
    if let Some(w) = args.history {
        p.history = carematch_synth::history::past_weeks(&p, usize::from(w), args.seed);
    }
    print_json(&p)?;
    eprintln!(
        "generated {} needs, {} elders, {} providers",
        p.needs.len(),
        p.elders.len(),
        p.providers.len()
    );
    Ok(0)
}

/// `generate --lunch M`: every carer's shifts of one day become one shift, from the
/// first start to the last end, with a break of `duration` seconds starting in
/// 12:00–13:00: lunch taken where she is instead of a shift cut in two.
fn lunch(p: &mut carematch_core::wire::ProblemInput, duration: i64) {
    let day = p
        .options
        .as_ref()
        .and_then(|o| o.day_length)
        .filter(|&d| d > 0);
    let start = p.options.as_ref().and_then(|o| o.day_start).unwrap_or(0);
    for c in &mut p.providers {
        let mut days: Vec<[i64; 2]> = Vec::new();
        for &[open, close] in &c.shifts {
            let same = |d: &[i64; 2]| {
                day.is_none_or(|len| {
                    (d[0] - start).div_euclid(len) == (open - start).div_euclid(len)
                })
            };
            match days.iter_mut().find(|d| same(d)) {
                Some(d) => *d = [d[0].min(open), d[1].max(close)],
                None => days.push([open, close]),
            }
        }
        c.shifts = days;
        c.breaks = vec![carematch_core::wire::BreakInput {
            window: [43_200, 46_800],
            duration,
        }];
    }
}

/// `generate --stations K [--windows] [--layout]`: a one-station problem.
fn one_station(args: &GenerateArgs) -> Result<carematch_core::ProblemInput, Failure> {
    use carematch_synth::station::{Layout, Spec, Windows};
    let stations = args.stations.unwrap_or(1);
    if !(1..=9).contains(&stations) {
        return Err(Failure::Input(input_error(&format!(
            "--stations {stations}: give 1 to 9"
        ))));
    }
    Ok(carematch_synth::station::generate(&Spec {
        needs: args.needs,
        stations,
        windows: match args.windows {
            Some(WindowsArg::Wide) => Windows::Wide,
            _ => Windows::Tight,
        },
        layout: match args.layout {
            Some(LayoutArg::Clustered) => Layout::Clustered,
            Some(LayoutArg::Mixed) => Layout::Mixed,
            _ => Layout::Random,
        },
        seed: args.seed,
    }))
}

/// `carematch key [ID]`: a new random key and its line for the key file.
pub(crate) fn key(id: &str) -> Result<u8, Failure> {
    if id.is_empty() || id.chars().any(char::is_whitespace) {
        return Err(Failure::Input(input_error("the id is one word")));
    }
    let key = format!(
        "cm_{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    );
    println!("key: {key}");
    println!(
        "key file line: {id} {}",
        carematch_server::keys::hash_hex(&key)
    );
    eprintln!("give the key to its client once; the key file keeps only its hash");
    Ok(0)
}

/// `carematch serve`.
pub(crate) fn serve(args: ServeArgs) -> Result<u8, Failure> {
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
        store: args.store.clone(),
        data: args.data.clone(),
        session_ttl: (args.session_ttl > 0)
            .then(|| std::time::Duration::from_secs(args.session_ttl * 86_400)),
        api_key,
        keys_file: args.keys.clone(),
        key_limits: carematch_server::keys::Limits {
            rps: args
                .key_rps
                .unwrap_or(if args.keys.is_some() || args.api_key_file.is_some() {
                    50
                } else {
                    0
                }),
            burst: args.key_burst,
            jobs: args.key_jobs,
        },
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

/// `carematch export --sheets PROBLEM -o DIR`: the problem as the sheets `import` reads.
pub(crate) fn export_sheets(args: &ExportArgs) -> Result<u8, Failure> {
    let Some(dir) = args.output.as_deref() else {
        return Err(Failure::Input(input_error(
            "--sheets writes into the folder -o",
        )));
    };
    let [problem] = args.files.as_slice() else {
        return Err(Failure::Input(input_error(
            "--sheets takes one file: PROBLEM",
        )));
    };
    let bytes = read_input(Some(problem), "problem")?;
    let input: carematch_core::ProblemInput =
        carematch_core::error::from_json(&bytes, ErrorKind::InvalidProblem)?;
    Problem::from_input(input.clone())?;
    let written = sheets::sheets(&input)
        .map_err(|e| Failure::Input(Error::new(ErrorKind::InvalidProblem, FieldPath::root(), e)))?;
    std::fs::create_dir_all(dir)?;
    for (name, text) in ["elders.csv", "needs.csv", "providers.csv"]
        .iter()
        .zip(written)
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
pub(crate) fn export(args: &ExportArgs) -> Result<u8, Failure> {
    let (csv, files, output) = (
        args.csv || args.quality,
        &args.files,
        args.output.as_deref(),
    );
    let want = if csv { 1 } else { 2 };
    if files.len() != want {
        return Err(Failure::Input(input_error(if csv {
            "--csv and --quality take one file: PLAN"
        } else {
            "--geojson takes two files: PROBLEM PLAN"
        })));
    }
    let plan_path = &files[want - 1];
    let plan = carematch_core::check::parse_plan(&read_input(Some(plan_path), "plan")?)?;
    let mut bytes = Vec::new();
    if args.quality {
        carematch_present::export::quality_csv(&plan, &mut bytes)
            .map_err(|e| Failure::Other(e.to_string()))?;
    } else if csv {
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
