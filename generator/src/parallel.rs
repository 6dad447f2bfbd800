//! Work spread over the machine's cores: each item taken by the next free thread, the results
//! in the items' order, so that what is made does not depend on which thread made it.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// `work` applied to each item on as many threads as there are cores (no more than there are
/// items); the results in the order of `items`, `None` for an item whose work did not finish.
pub fn map_on_cores<T: Sync, R: Send>(items: &[T], work: impl Fn(&T) -> R + Sync) -> Vec<Option<R>> {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<R>>> = Mutex::new((0..items.len()).map(|_| None).collect());
    let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1).min(items.len()).max(1);
    let worker = || {
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(i) else { break };
            let result = work(item);
            if let Ok(mut results) = results.lock() {
                results[i] = Some(result);
            }
        }
    };
    // This thread is one of the workers: its allocator already holds the memory that earlier
    // work freed, which costs nothing to use again, where fresh memory must be zeroed.
    std::thread::scope(|scope| {
        for _ in 1..threads {
            scope.spawn(worker);
        }
        if threads > 1 {
            step_aside();
        }
        worker();
    });
    results.into_inner().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Moves the calling thread to another CPU it may run on, then lets it run anywhere again, so
/// that the threads it has just spawned start at once on the CPU it left. Linux queues a new
/// thread on its spawner's CPU when that CPU looks lightly loaded, as it does in a process a
/// few milliseconds old, and moves it only when the load balancer next looks: here some 2 ms
/// later, as long as the first phases' parallel work. Where the thread may run on one CPU
/// only, or outside Linux, nothing moves.
#[cfg(target_os = "linux")]
pub fn step_aside() {
    use nix::sched::{sched_getaffinity, sched_getcpu, sched_setaffinity};
    use nix::unistd::Pid;
    let this_thread = Pid::from_raw(0);
    let (Ok(allowed), Ok(here)) = (sched_getaffinity(this_thread), sched_getcpu()) else { return };
    let mut elsewhere = allowed;
    // With this CPU the only one allowed, `elsewhere` is empty and the kernel refuses it.
    if elsewhere.unset(here).is_ok() && sched_setaffinity(this_thread, &elsewhere).is_ok() {
        let _ = sched_setaffinity(this_thread, &allowed);
    }
}

/// Outside Linux, new threads are left where the system puts them.
#[cfg(not(target_os = "linux"))]
pub fn step_aside() {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_in_the_items_order() {
        let items: Vec<u64> = (0..500).collect();
        let squares = map_on_cores(&items, |n| {
            // Uneven work, so that the threads finish out of order.
            std::thread::sleep(std::time::Duration::from_micros(n % 7));
            n * n
        });
        assert_eq!(squares, items.iter().map(|n| Some(n * n)).collect::<Vec<_>>());
        assert!(map_on_cores(&[] as &[u64], |n| *n).is_empty());
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_thread_that_steps_aside_may_run_anywhere_it_could_before() {
        use nix::sched::sched_getaffinity;
        use nix::unistd::Pid;
        let allowed = sched_getaffinity(Pid::from_raw(0)).unwrap();
        step_aside();
        assert_eq!(sched_getaffinity(Pid::from_raw(0)).unwrap(), allowed);
        // Threads spawned after it inherit the same mask, not the one it stepped aside with.
        let in_thread = std::thread::spawn(|| sched_getaffinity(Pid::from_raw(0)).unwrap()).join().unwrap();
        assert_eq!(in_thread, allowed);
    }
}
