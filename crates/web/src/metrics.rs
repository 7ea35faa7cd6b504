//! Prometheus text metrics: requests by route and status, a latency histogram, pool use.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;

use crate::AppState;

const BUCKETS: [f64; 10] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0];

#[derive(Default)]
pub struct Metrics {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    requests: BTreeMap<(String, String, u16), u64>,
    latency: BTreeMap<String, Histogram>,
}

#[derive(Default, Clone)]
struct Histogram {
    buckets: [u64; BUCKETS.len()],
    sum: f64,
    count: u64,
}

impl Metrics {
    pub fn observe(&self, route: &str, method: &str, status: u16, seconds: f64) {
        let Ok(mut inner) = self.inner.lock() else { return };
        *inner.requests.entry((route.to_string(), method.to_string(), status)).or_default() += 1;
        let h = inner.latency.entry(route.to_string()).or_default();
        for (i, bound) in BUCKETS.iter().enumerate() {
            if seconds <= *bound {
                h.buckets[i] += 1;
            }
        }
        h.sum += seconds;
        h.count += 1;
    }

    pub fn render(&self, pool: (u32, usize), max_connections: u32) -> String {
        let Ok(inner) = self.inner.lock() else { return String::new() };
        let mut out = String::new();
        out.push_str("# HELP zs_http_requests_total HTTP requests by route, method and status.\n# TYPE zs_http_requests_total counter\n");
        for ((route, method, status), n) in &inner.requests {
            out.push_str(&format!("zs_http_requests_total{{route=\"{}\",method=\"{method}\",status=\"{status}\"}} {n}\n", escape(route)));
        }
        out.push_str("# HELP zs_http_request_duration_seconds Time to answer, by route.\n# TYPE zs_http_request_duration_seconds histogram\n");
        for (route, h) in &inner.latency {
            let r = escape(route);
            for (i, bound) in BUCKETS.iter().enumerate() {
                out.push_str(&format!("zs_http_request_duration_seconds_bucket{{route=\"{r}\",le=\"{bound}\"}} {}\n", h.buckets[i]));
            }
            out.push_str(&format!("zs_http_request_duration_seconds_bucket{{route=\"{r}\",le=\"+Inf\"}} {}\n", h.count));
            out.push_str(&format!("zs_http_request_duration_seconds_sum{{route=\"{r}\"}} {}\n", h.sum));
            out.push_str(&format!("zs_http_request_duration_seconds_count{{route=\"{r}\"}} {}\n", h.count));
        }
        let (size, idle) = pool;
        out.push_str("# HELP zs_db_pool_connections Database connections open, idle and allowed.\n# TYPE zs_db_pool_connections gauge\n");
        out.push_str(&format!("zs_db_pool_connections{{state=\"open\"}} {size}\n"));
        out.push_str(&format!("zs_db_pool_connections{{state=\"idle\"}} {idle}\n"));
        out.push_str(&format!("zs_db_pool_connections{{state=\"max\"}} {max_connections}\n"));
        out
    }
}

fn escape(label: &str) -> String {
    label.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

pub async fn track(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let route = req.extensions().get::<MatchedPath>().map_or("unmatched", |m| m.as_str()).to_string();
    let method = req.method().to_string();
    let started = Instant::now();
    let response = next.run(req).await;
    state.metrics.observe(&route, &method, response.status().as_u16(), started.elapsed().as_secs_f64());
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_and_histogram() {
        let m = Metrics::default();
        m.observe("/users/{id}", "GET", 200, 0.003);
        m.observe("/users/{id}", "GET", 200, 0.2);
        m.observe("/users/{id}", "GET", 403, 0.004);
        let text = m.render((3, 1), 16);
        assert!(text.contains("zs_http_requests_total{route=\"/users/{id}\",method=\"GET\",status=\"200\"} 2"), "{text}");
        assert!(text.contains("zs_http_request_duration_seconds_bucket{route=\"/users/{id}\",le=\"0.005\"} 2"), "{text}");
        assert!(text.contains("zs_http_request_duration_seconds_count{route=\"/users/{id}\"} 3"), "{text}");
        assert!(text.contains("zs_db_pool_connections{state=\"open\"} 3"), "{text}");
    }
}
