//! The benchmark driver (work in progress).
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let quick = std::env::args().any(|a| a == "--quick");
    let _ = llm_bench::sys::pin_to_core(1);
    if std::env::args().any(|a| a == "--parse") {
        for (l, ns) in llm_bench::diag::parse_costs(200_000) { println!("{l:50} {ns:.0} ns"); }
        return Ok(());
    }
    let server = llm_bench::server::ServerProcess::start(0)?;
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let clients = llm_bench::clients::Clients::new(&server.url(""))?;
    let rows = rt.block_on(llm_bench::streaming::run(&clients, if quick { 20_000 } else { 100_000 }, if quick { 3 } else { 5 }))?;
    for r in rows {
        println!("{:6} {:45} cpu {} ns/ev  rate {} kev/s", r.framing, r.contender.name(), r.cpu_ns.fmt(1.0, 0), r.events_per_s.fmt(1e3, 0));
    }
    Ok(())
}
