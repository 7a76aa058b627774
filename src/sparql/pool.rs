//! The server's side of query evaluation: a bounded pool of worker processes
//! ([`super::worker`]), the checkpoints they read, and a fair share per client.
//!
//! - **Killable.** Each query runs in a worker process; at the deadline, or as soon as the
//!   worker's resident memory passes the budget (polled every [`MEMORY_POLL`]), the process is
//!   killed and reaped before its slot is given back. Nothing a query does outlives its answer.
//! - **Snapshots.** A read-only RocksDB open beside a writer is undefined behaviour, so workers
//!   read checkpoints of the public store (`Store::backup`: hard links to the immutable files
//!   and a flush of the memtable), one per store generation, made by the first query after a
//!   write. A checkpoint directory is removed when no worker has it open and a newer one
//!   exists.
//! - **Fair.** One client address may hold at most half the workers (at least one); past that
//!   it gets `429`. Waiting for a free worker counts against the timeout (`503` after it).
//!   Both carry `Retry-After`.
use super::worker::{self, Answer, Failure, Job};
use crate::error::{AppError, Result};
use crate::store::Store;
use std::collections::{BTreeSet, HashMap};
use std::net::IpAddr;
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, ChildStdin, ChildStdout, Command};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

/// How often a running worker's resident memory is read.
const MEMORY_POLL: Duration = Duration::from_millis(10);
/// Largest answer a worker may send the server (the server holds it whole to send it).
const MAX_ANSWER: u64 = 128 << 20;

/// Worker processes and the checkpoints they read.
pub struct Pool {
    exe: PathBuf,
    size: usize,
    slots: Arc<Semaphore>,
    idle: Mutex<Vec<Worker>>,
    current: tokio::sync::Mutex<Option<Arc<Snapshot>>>,
    clients: Arc<Mutex<HashMap<IpAddr, usize>>>,
    /// Process ids of the workers alive, idle or busy.
    pids: Mutex<BTreeSet<u32>>,
    spawned: AtomicU64,
    killed: AtomicU64,
}

/// A checkpoint of the public store; its directory goes when the last holder drops it.
struct Snapshot {
    generation: u64,
    path: PathBuf,
}

impl Drop for Snapshot {
    fn drop(&mut self) {
        if let Err(e) = std::fs::remove_dir_all(&self.path) {
            tracing::warn!(path = %self.path.display(), %e, "cannot remove a query snapshot");
        }
    }
}

struct Worker {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    /// The checkpoint this worker has open (kept until it has moved to another).
    snapshot: Option<Arc<Snapshot>>,
}

/// A client's hold on one of its shares; given back on drop.
pub struct Share {
    clients: Arc<Mutex<HashMap<IpAddr, usize>>>,
    client: IpAddr,
}

impl Drop for Share {
    fn drop(&mut self) {
        let mut clients = lock(&self.clients);
        if let Some(n) = clients.get_mut(&self.client) {
            *n -= 1;
            if *n == 0 {
                clients.remove(&self.client);
            }
        }
    }
}

/// Removes a worker's pid from the live set when the worker leaves the pool.
struct Forget<'a> {
    pids: &'a Mutex<BTreeSet<u32>>,
    pid: Option<u32>,
}

impl Drop for Forget<'_> {
    fn drop(&mut self) {
        if let Some(pid) = self.pid {
            lock(self.pids).remove(&pid);
        }
    }
}

/// How a job ended, when it did not answer.
enum Stopped {
    Deadline,
    Memory,
    Gone(std::io::Error),
}

impl Pool {
    /// `size` workers of the executable `exe` (this program when `None`).
    pub fn new(size: usize, exe: Option<PathBuf>) -> Self {
        let size = size.max(1);
        Self {
            exe: exe
                .or_else(|| std::env::current_exe().ok())
                .unwrap_or_else(|| PathBuf::from("samapne")),
            size,
            slots: Arc::new(Semaphore::new(size)),
            idle: Mutex::default(),
            current: tokio::sync::Mutex::default(),
            clients: Arc::default(),
            pids: Mutex::default(),
            spawned: AtomicU64::new(0),
            killed: AtomicU64::new(0),
        }
    }

    /// Workers a single client address may use at once.
    pub fn per_client(&self) -> usize {
        self.size.div_ceil(2)
    }

    /// Worker processes started and killed so far (for metrics and tests).
    pub fn counts(&self) -> (u64, u64) {
        (
            self.spawned.load(Ordering::Relaxed),
            self.killed.load(Ordering::Relaxed),
        )
    }

    /// Process ids of the idle workers.
    pub fn idle_pids(&self) -> BTreeSet<u32> {
        lock(&self.idle)
            .iter()
            .filter_map(|w| w.child.id())
            .collect()
    }

    /// Process ids of every worker alive, idle or busy.
    pub fn pids(&self) -> BTreeSet<u32> {
        lock(&self.pids).clone()
    }

    /// Takes one of `client`'s shares; `None` when it holds all it may.
    pub fn share(&self, client: Option<IpAddr>) -> Option<Option<Share>> {
        let Some(client) = client.map(crate::throttle::client_key) else {
            return Some(None); // In-process callers (tests, benchmarks) are not counted.
        };
        let mut clients = lock(&self.clients);
        let n = clients.entry(client).or_insert(0);
        if *n >= self.per_client() {
            return None;
        }
        *n += 1;
        Some(Some(Share {
            clients: self.clients.clone(),
            client,
        }))
    }

    /// Waits for a free worker slot until `deadline`.
    pub async fn slot(&self, deadline: Instant) -> Option<OwnedSemaphorePermit> {
        tokio::time::timeout_at(deadline, self.slots.clone().acquire_owned())
            .await
            .ok()?
            .ok()
    }

    /// Runs `job` (its `snapshot` filled in here) in a worker, holding `_slot`.
    pub async fn run(
        &self,
        store: &Store,
        mut job: Job,
        deadline: Instant,
        _slot: OwnedSemaphorePermit,
    ) -> Result<Vec<u8>> {
        let snapshot = self.snapshot_of(store).await?;
        job.snapshot = snapshot.path.clone();
        let line = serde_json::to_vec(&job).map_err(AppError::internal)?;
        let idle = lock(&self.idle).pop();
        let mut worker = match idle {
            Some(w) => w,
            None => self.spawn()?,
        };
        let pid = worker.child.id().unwrap_or(0);
        // Should this request be dropped (the client went away), the worker is killed on drop
        // and forgotten here.
        let mut forget = Forget {
            pids: &self.pids,
            pid: Some(pid),
        };
        let memory = job.memory;
        let outcome = tokio::select! {
            r = worker.exchange(&line, memory.min(MAX_ANSWER)) => r.map_err(Stopped::Gone),
            () = tokio::time::sleep_until(deadline) => Err(Stopped::Deadline),
            () = over_budget(pid, memory) => Err(Stopped::Memory),
        };
        // A worker whose answer was refused unread, or that keeps much of its budget after
        // the query (a fragmented heap is rarely given back), is not given the next query.
        let reusable = |answer: &Result<Vec<u8>>| {
            !matches!(answer, Err(AppError::QueryMemory(_)))
                && worker::resident_bytes(Some(pid)).is_some_and(|rss| rss < memory / 2)
        };
        match outcome {
            Ok(answer) if reusable(&answer) => {
                forget.pid = None;
                worker.snapshot = Some(snapshot);
                lock(&self.idle).push(worker);
                answer
            }
            Ok(answer) => {
                let _ = worker.child.kill().await;
                answer
            }
            Err(stopped) => {
                // Killed and reaped before the slot is given back: nothing runs on.
                let _ = worker.child.kill().await;
                self.killed.fetch_add(1, Ordering::Relaxed);
                match stopped {
                    Stopped::Deadline => Err(AppError::QueryTimeout(0)),
                    Stopped::Memory => Err(AppError::QueryMemory(memory >> 20)),
                    // The worker's watchdog may see the bound first and exit by itself.
                    Stopped::Gone(e) => match worker.child.try_wait().ok().flatten() {
                        Some(s) if s.code() == Some(worker::EXIT_MEMORY.into()) => {
                            Err(AppError::QueryMemory(memory >> 20))
                        }
                        Some(s) if s.code() == Some(worker::EXIT_DEADLINE.into()) => {
                            Err(AppError::QueryTimeout(0))
                        }
                        status => Err(AppError::internal(format!(
                            "the query worker stopped ({e}; {status:?})"
                        ))),
                    },
                }
            }
        }
    }

    fn spawn(&self) -> Result<Worker> {
        let mut child = Command::new(&self.exe)
            .arg("sparql-worker")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| {
                AppError::internal(format!(
                    "cannot start a query worker ({}): {e}",
                    self.exe.display()
                ))
            })?;
        self.spawned.fetch_add(1, Ordering::Relaxed);
        if let Some(pid) = child.id() {
            lock(&self.pids).insert(pid);
        }
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            return Err(AppError::internal("a query worker without pipes"));
        };
        Ok(Worker {
            child,
            stdin,
            stdout: BufReader::new(stdout),
            snapshot: None,
        })
    }

    /// The checkpoint of the store's current generation, made if there is none yet.
    async fn snapshot_of(&self, store: &Store) -> Result<Arc<Snapshot>> {
        let mut current = self.current.lock().await;
        let generation = store.generation();
        if let Some(s) = current.as_ref().filter(|s| s.generation == generation) {
            return Ok(s.clone());
        }
        let dir = store
            .dir()
            .ok_or_else(|| AppError::internal("the SPARQL endpoint needs a store on disk"))?
            .join(crate::store::SNAPSHOTS);
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let path = dir.join(format!(
            "{generation}-{}",
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let public = store.public.clone();
        // The snapshot owns its directory from the start: should this request be dropped
        // while the checkpoint is made, the directory goes with the unused result.
        let snapshot = tokio::task::spawn_blocking(move || {
            std::fs::create_dir_all(&dir)?;
            let snapshot = Snapshot { generation, path };
            public
                .backup(&snapshot.path)
                .map_err(std::io::Error::other)?;
            Ok::<_, std::io::Error>(snapshot)
        })
        .await?
        .map_err(|e| AppError::internal(format!("cannot make a query snapshot: {e}")))?;
        let snapshot = Arc::new(snapshot);
        *current = Some(snapshot.clone());
        Ok(snapshot)
    }
}

impl Worker {
    /// Sends one job line and reads its answer (and body, at most `limit` bytes).
    async fn exchange(&mut self, line: &[u8], limit: u64) -> std::io::Result<Result<Vec<u8>>> {
        self.stdin.write_all(line).await?;
        self.stdin.write_all(b"\n").await?;
        self.stdin.flush().await?;
        let mut header = String::new();
        // The header is a short JSON line: read no more than a bounded amount of it.
        let mut limited = (&mut self.stdout).take(64 * 1024);
        if limited.read_line(&mut header).await? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        let answer: Answer = serde_json::from_str(&header).map_err(std::io::Error::other)?;
        Ok(match answer {
            Answer::Body { len } if len as u64 > limit => Err(AppError::QueryMemory(limit >> 20)),
            Answer::Body { len } => {
                let mut body = vec![0; len];
                self.stdout.read_exact(&mut body).await?;
                Ok(body)
            }
            Answer::Failed { failure, message } => Err(match failure {
                Failure::BadRequest => AppError::BadRequest(message),
                Failure::Service => AppError::ServiceRefused,
                Failure::TooLarge => AppError::ResultTooLarge(message.parse().unwrap_or(0)),
                Failure::Internal => AppError::Internal(message),
            }),
        })
    }
}

/// Completes when process `pid` holds more than `limit` bytes of resident memory.
async fn over_budget(pid: u32, limit: u64) {
    loop {
        tokio::time::sleep(MEMORY_POLL).await;
        if worker::resident_bytes(Some(pid)).is_some_and(|rss| rss > limit) {
            return;
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}
