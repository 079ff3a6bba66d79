//! `gatehouse serve` as a child process, the way an operator runs it.

use std::path::Path;
use std::process::{ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::mpsc;

use super::GATEHOUSE;

/// A running `gatehouse serve` whose JSON log lines are collected.
pub struct ServeProcess {
    child: Child,
    /// `http://host:port` of the REST facade, if this process runs it.
    pub http: Option<String>,
    /// `http://host:port` of the gRPC listener, if this process runs it.
    pub grpc: Option<String>,
    logs: Arc<Mutex<Vec<String>>>,
}

impl ServeProcess {
    /// Starts `gatehouse serve ARGS` in `cwd` with only `envs` in its environment, and waits
    /// for its ready line. On failure, returns everything it logged.
    pub async fn start(
        cwd: &Path,
        args: &[&str],
        envs: &[(&str, &str)],
    ) -> Result<ServeProcess, String> {
        let mut command = Command::new(GATEHOUSE);
        command
            .arg("serve")
            .args(args)
            .current_dir(cwd)
            .env_clear()
            .envs(envs.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        if !envs.iter().any(|(key, _)| *key == "GATEHOUSE_LOG_FORMAT") {
            command.arg("--log-format").arg("json");
        }
        let mut child = command.spawn().map_err(|err| err.to_string())?;

        let logs = Arc::new(Mutex::new(Vec::new()));
        let (ready_tx, mut ready_rx) = mpsc::unbounded_channel();
        let stderr = child.stderr.take().ok_or("no stderr")?;
        let sink = logs.clone();
        tokio::spawn(async move {
            let mut lines = BufReader::new(stderr).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                if line.contains("gatehouse is ready") {
                    let _ = ready_tx.send(line.clone());
                }
                sink.lock().unwrap().push(line);
            }
        });

        let ready = tokio::time::timeout(Duration::from_secs(20), ready_rx.recv()).await;
        let Ok(Some(line)) = ready else {
            let _ = child.kill().await;
            tokio::time::sleep(Duration::from_millis(50)).await;
            return Err(logs.lock().unwrap().join("\n"));
        };
        let fields: serde_json::Value = serde_json::from_str(&line).map_err(|e| e.to_string())?;
        let addr = |key: &str| {
            fields[key]
                .as_str()
                .filter(|addr| *addr != "off")
                .map(|addr| format!("http://{addr}"))
        };
        Ok(ServeProcess {
            http: addr("http"),
            grpc: addr("grpc"),
            child,
            logs,
        })
    }

    /// Log lines so far.
    pub fn logs(&self) -> Vec<String> {
        self.logs.lock().unwrap().clone()
    }

    /// Sends `signal` (`TERM`, `INT`) and waits for the process to exit.
    pub async fn stop_with(mut self, signal: &str) -> (ExitStatus, Vec<String>) {
        let pid = self.child.id().unwrap().to_string();
        let sent = std::process::Command::new("kill")
            .args([format!("-{signal}"), pid])
            .status()
            .unwrap();
        assert!(sent.success());
        let status = tokio::time::timeout(Duration::from_secs(20), self.child.wait())
            .await
            .expect("the server did not stop within 20 s")
            .unwrap();
        tokio::time::sleep(Duration::from_millis(50)).await;
        (status, self.logs())
    }

    /// Waits for the process to exit by itself.
    pub async fn wait(mut self) -> (ExitStatus, Vec<String>) {
        let status = self.child.wait().await.unwrap();
        tokio::time::sleep(Duration::from_millis(50)).await;
        (status, self.logs())
    }
}

/// Runs `gatehouse serve ARGS` expecting it to fail at start-up; returns its exit status and
/// stderr.
pub async fn serve_failure(
    cwd: &Path,
    args: &[&str],
    envs: &[(&str, &str)],
) -> (ExitStatus, String) {
    let output = Command::new(GATEHOUSE)
        .arg("serve")
        .args(args)
        .current_dir(cwd)
        .env_clear()
        .envs(envs.iter().copied())
        .output();
    let output = tokio::time::timeout(Duration::from_secs(20), output)
        .await
        .expect("the server should have exited")
        .unwrap();
    (
        output.status,
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}
