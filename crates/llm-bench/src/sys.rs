//! The few Linux calls the harness needs: CPU time, CPU affinity, resident set size and a
//! monotonic clock shared by the client and server processes.
//!
//! This is the only module of the crate that calls `libc`.
#![allow(unsafe_code)]

use std::io;
use std::time::Duration;

/// User plus system CPU time consumed so far by this whole process (all threads).
///
/// The client sections run on a current-thread tokio runtime, so this is the client's
/// own work plus whatever helper threads the contender starts (counted on purpose).
pub fn process_cpu() -> Duration {
    // SAFETY: `getrusage` only writes into the zeroed struct we pass; RUSAGE_SELF is a
    // valid `who` value, so the call cannot fail in a way that leaves it uninitialised.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut usage);
        usage
    };
    let tv = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
    };
    tv(usage.ru_utime) + tv(usage.ru_stime)
}

/// `CLOCK_MONOTONIC` in nanoseconds: the same clock in every process of the machine, so
/// a server's send stamp can be compared with the client's delivery time.
pub fn monotonic_ns() -> u64 {
    // SAFETY: `clock_gettime` writes into the zeroed timespec we pass; CLOCK_MONOTONIC
    // is always available on Linux.
    let ts = unsafe {
        let mut ts: libc::timespec = std::mem::zeroed();
        libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts);
        ts
    };
    ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
}

/// Pins the calling thread (and the threads it starts later) to CPU `core`.
///
/// # Errors
/// The OS error when the core does not exist or is not allowed.
pub fn pin_to_core(core: usize) -> io::Result<()> {
    // SAFETY: the cpu_set_t is zero-initialised and only manipulated through the libc
    // macros; pid 0 means the calling thread.
    let rc = unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        libc::CPU_ZERO(&mut set);
        libc::CPU_SET(core, &mut set);
        libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set)
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// The resident set size of this process in bytes, from `/proc/self/statm`.
///
/// # Errors
/// When `/proc` cannot be read or parsed.
pub fn rss_bytes() -> io::Result<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm")?;
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| io::Error::other("unexpected /proc/self/statm"))?;
    Ok(pages * page_size())
}

fn page_size() -> u64 {
    // SAFETY: sysconf with a valid name has no memory-safety preconditions.
    let size = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    u64::try_from(size).unwrap_or(4096)
}

/// The number of online CPUs of the machine (not limited by this process's affinity).
pub fn online_cpus() -> usize {
    // SAFETY: sysconf with a valid name has no memory-safety preconditions.
    let n = unsafe { libc::sysconf(libc::_SC_NPROCESSORS_ONLN) };
    usize::try_from(n).unwrap_or(0)
}
